#pragma once

#include "bus/error.h"
#include "bus/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <optional>

namespace openopd::bus {

// Parses a JSON object, refusing oversized input and anything that is not an object.
Result<QJsonObject> parseJsonObject(QByteArrayView data, qsizetype maxBytes = 1024 * 1024);

// Reads fields of one JSON object with validation. The first problem is kept as a
// DecodeError naming the field by its dotted path ("lines[2].dose"); later reads then
// return defaults, so a decoder reads everything and checks ok() once at the end.
// Unknown fields are ignored (forward compatibility).
class JsonReader
{
public:
    explicit JsonReader(QJsonObject object, QString path = {});

    QString requiredString(const QString& name, qsizetype maxLength, qsizetype minLength = 1);
    QString optionalString(const QString& name, qsizetype maxLength);
    qint64 requiredInt(const QString& name, qint64 min, qint64 max);
    std::optional<qint64> optionalInt(const QString& name, qint64 min, qint64 max);
    bool requiredBool(const QString& name);
    bool optionalBool(const QString& name, bool fallback);
    // An array of at most maxItems; each element is then read with element().
    QJsonArray requiredArray(const QString& name, qsizetype maxItems);
    QJsonArray optionalArray(const QString& name, qsizetype maxItems);
    // A nested object reader that reports errors into this reader.
    JsonReader object(const QString& name);
    JsonReader element(const QJsonArray& array, const QString& arrayName, qsizetype index);

    bool ok() const { return !m_error->isError(); }
    const BusError& error() const { return *m_error; }
    // Records an error found by the caller's own checks (e.g. a cross-field rule).
    void fail(const QString& name, const QString& message);
    QString pathOf(const QString& name) const;

private:
    JsonReader(QJsonObject object, QString path, std::shared_ptr<BusError> sink);
    std::optional<QJsonValue> take(const QString& name, bool required);

    QJsonObject m_object;
    QString m_path;
    std::shared_ptr<BusError> m_error;
};

} // namespace openopd::bus
