#pragma once

// Edits a JSON object at a dotted path with array indexes ("lines[2].dose"), for building
// invalid inputs from valid samples.

#include <QJsonObject>
#include <QJsonValue>
#include <optional>

namespace openopd::testing {

// A copy of root with the value at path replaced (or added); nullopt removes it.
QJsonObject edited(const QJsonObject& root, const QString& path, std::optional<QJsonValue> value);

} // namespace openopd::testing
