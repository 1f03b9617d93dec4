//===- JsonLocator.h - Source positions of JSON values --------------------===//
//
// nlohmann/json keeps no source positions. Error messages about a rules file
// or a compile database must name the line and column, so this small scanner
// finds where the value at a JSON path starts in the original text. It only
// runs when there is an error to report, on text that already parsed.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_RULES_JSONLOCATOR_H
#define PROCSHARE_RULES_JSONLOCATOR_H

#include <string>
#include <variant>
#include <vector>

namespace procshare {

/// One step of a path into a JSON document: an object key or an array index.
using JsonPathStep = std::variant<std::string, size_t>;
using JsonPath = std::vector<JsonPathStep>;

struct TextPosition {
  unsigned Line = 1;
  unsigned Column = 1;
};

/// Position of the value at \p Path in \p Text, or of its key when \p AtKey
/// and the last step is an object key. Falls back to the deepest enclosing
/// value that exists.
TextPosition locateJsonPath(const std::string &Text, const JsonPath &Path,
                            bool AtKey = false);

/// The start of the JSON token that ends just before \p Offset (parse errors
/// are reported after the token that broke the syntax).
size_t tokenStartBefore(const std::string &Text, size_t Offset);

/// Line and column of a byte offset.
TextPosition positionOfOffset(const std::string &Text, size_t Offset);

/// "/fork/2/name"-style rendering, for messages.
std::string renderJsonPath(const JsonPath &Path);

} // namespace procshare

#endif
