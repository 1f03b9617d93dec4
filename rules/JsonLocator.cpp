//===- JsonLocator.cpp - Source positions of JSON values ------------------===//

#include "rules/JsonLocator.h"

#include <nlohmann/json.hpp>

#include <cctype>

namespace procshare {
namespace {

class Scanner {
public:
  explicit Scanner(const std::string &Text) : Text(Text) {}

  /// Walks \p Path from the root; returns the offset of the value (or key).
  size_t find(const JsonPath &Path, bool AtKey) {
    skipSpace();
    size_t Best = Pos;
    for (size_t I = 0; I < Path.size(); ++I) {
      bool Last = I + 1 == Path.size();
      if (const auto *Key = std::get_if<std::string>(&Path[I])) {
        if (!enterObjectAt(*Key, Last && AtKey))
          return Best;
      } else if (!enterArrayAt(std::get<size_t>(Path[I]))) {
        return Best;
      }
      Best = Pos;
    }
    return Best;
  }

private:
  const std::string &Text;
  size_t Pos = 0;

  bool atEnd() const { return Pos >= Text.size(); }
  char peek() const { return atEnd() ? '\0' : Text[Pos]; }
  void skipSpace() {
    while (!atEnd() && (Text[Pos] == ' ' || Text[Pos] == '\t' ||
                        Text[Pos] == '\n' || Text[Pos] == '\r'))
      ++Pos;
  }
  std::string readString() {
    std::string Out;
    ++Pos; // opening quote
    while (!atEnd() && Text[Pos] != '"') {
      if (Text[Pos] == '\\' && Pos + 1 < Text.size()) {
        Out += Text[Pos + 1];
        Pos += 2;
        continue;
      }
      Out += Text[Pos++];
    }
    ++Pos; // closing quote
    return Out;
  }
  void skipValue() {
    skipSpace();
    char C = peek();
    if (C == '"') {
      readString();
    } else if (C == '{' || C == '[') {
      char Close = C == '{' ? '}' : ']';
      ++Pos;
      skipSpace();
      while (!atEnd() && peek() != Close) {
        if (C == '{') {
          readString();
          skipSpace();
          ++Pos; // ':'
        }
        skipValue();
        skipSpace();
        if (peek() == ',')
          ++Pos;
        skipSpace();
      }
      ++Pos;
    } else {
      while (!atEnd() && std::string(",]} \t\r\n").find(peek()) == std::string::npos)
        ++Pos;
    }
  }
  bool enterObjectAt(const std::string &Key, bool StopAtKey) {
    skipSpace();
    if (peek() != '{')
      return false;
    ++Pos;
    skipSpace();
    while (!atEnd() && peek() != '}') {
      size_t KeyPos = Pos;
      std::string K = readString();
      skipSpace();
      ++Pos; // ':'
      skipSpace();
      if (K == Key) {
        if (StopAtKey)
          Pos = KeyPos;
        return true;
      }
      skipValue();
      skipSpace();
      if (peek() == ',')
        ++Pos;
      skipSpace();
    }
    return false;
  }
  bool enterArrayAt(size_t Index) {
    skipSpace();
    if (peek() != '[')
      return false;
    ++Pos;
    skipSpace();
    for (size_t I = 0; !atEnd() && peek() != ']'; ++I) {
      if (I == Index)
        return true;
      skipValue();
      skipSpace();
      if (peek() == ',')
        ++Pos;
      skipSpace();
    }
    return false;
  }
};

/// The start of the token that ends just before \p Offset (nlohmann reports
/// parse errors after the token that broke the syntax).
size_t tokenStartBefore(const std::string &Text, size_t Offset) {
  if (Offset == 0 || Offset > Text.size())
    return Offset > Text.size() ? Text.size() : Offset;
  size_t I = Offset - 1;
  if (Text[I] == '"') {
    // Back to the opening quote of the string literal.
    while (I > 0) {
      --I;
      if (Text[I] == '"' && (I == 0 || Text[I - 1] != '\\'))
        return I;
    }
    return 0;
  }
  auto IsWord = [](char C) {
    return std::isalnum(static_cast<unsigned char>(C)) || C == '-' || C == '+' ||
           C == '.';
  };
  if (!IsWord(Text[I]))
    return I;
  while (I > 0 && IsWord(Text[I - 1]))
    --I;
  return I;
}

struct TextPosition {
  unsigned Line = 1;
  unsigned Column = 1;
};

TextPosition positionOfOffset(const std::string &Text, size_t Offset) {
  TextPosition P;
  for (size_t I = 0; I < Offset && I < Text.size(); ++I) {
    if (Text[I] == '\n') {
      ++P.Line;
      P.Column = 1;
    } else {
      ++P.Column;
    }
  }
  return P;
}

} // namespace

std::string jsonErrorAt(const std::string &Name, const std::string &Text,
                        const JsonPath &Path, const std::string &Message,
                        bool AtKey) {
  TextPosition P = positionOfOffset(Text, Scanner(Text).find(Path, AtKey));
  return Name + ":" + std::to_string(P.Line) + ":" + std::to_string(P.Column) +
         ": " + Message;
}

bool parseJson(const std::string &Name, const std::string &Text,
               nlohmann::json &Out, std::string &Error) {
  try {
    Out = nlohmann::json::parse(Text);
    return true;
  } catch (const nlohmann::json::parse_error &E) {
    TextPosition P = positionOfOffset(Text, tokenStartBefore(Text, E.byte));
    // "[json.exception.parse_error.101] parse error at line 3, column 5: x"
    std::string Msg = E.what();
    size_t Colon = Msg.find(": ");
    if (Colon != std::string::npos)
      Msg = Msg.substr(Colon + 2);
    Error = Name + ":" + std::to_string(P.Line) + ":" + std::to_string(P.Column) +
            ": invalid JSON: " + Msg;
    return false;
  }
}

std::string renderJsonPath(const JsonPath &Path) {
  std::string Out;
  for (const JsonPathStep &S : Path) {
    Out += '/';
    if (const auto *Key = std::get_if<std::string>(&S))
      Out += *Key;
    else
      Out += std::to_string(std::get<size_t>(S));
  }
  return Out.empty() ? "/" : Out;
}

} // namespace procshare
