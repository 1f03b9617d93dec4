//===- JsonLocator.h - Source positions of JSON values --------------------===//
//
// nlohmann/json keeps no source positions. Error messages about a rules file
// or a compile database must name the line and column, so this small scanner
// finds where the value at a JSON path starts in the original text. It only
// runs when there is an error to report, on text that already parsed. Both
// readers of JSON input (rules/, driver/) report their errors through here.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_RULES_JSONLOCATOR_H
#define PROCSHARE_RULES_JSONLOCATOR_H

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <variant>
#include <vector>

namespace procshare {

/// One step of a path into a JSON document: an object key or an array index.
using JsonPathStep = std::variant<std::string, size_t>;
using JsonPath = std::vector<JsonPathStep>;

/// Parses \p Text (the contents of \p Name). On a syntax error returns false
/// with \p Error as "NAME:LINE:COL: invalid JSON: ...", the position being
/// the start of the token that broke the syntax.
bool parseJson(const std::string &Name, const std::string &Text,
               nlohmann::json &Out, std::string &Error);

/// "NAME:LINE:COL: Message" for the value at \p Path in \p Text (or its key,
/// when \p AtKey and the last step is a key).
std::string jsonErrorAt(const std::string &Name, const std::string &Text,
                        const JsonPath &Path, const std::string &Message,
                        bool AtKey = false);

/// "/fork/2/name"-style rendering, for messages.
std::string renderJsonPath(const JsonPath &Path);

} // namespace procshare

#endif
