#pragma once

// Field-level JSON reading and writing shared by every message: a validating reader on top
// of bus::JsonReader (dates, timestamps, ids, codes, enums, numbers, nested objects and
// arrays, each error naming the field by dotted path) and small writers.

#include "bus/json_reader.h"
#include "bus/result.h"
#include "protocol/enums.h"
#include "protocol/version.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QRegularExpression>
#include <QStringList>
#include <optional>

namespace openopd::protocol {

// User-visible protocol texts: Text::tr("…") translates in context "openopd::protocol"
// (and lupdate extracts them under that context).
class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::protocol)
};

namespace json {

class Reader
{
public:
    explicit Reader(const QJsonObject& object);

    bool ok() const { return m_reader.ok(); }
    const bus::BusError& error() const { return m_reader.error(); }
    // Records the first error (later ones are ignored), naming pathOf(name).
    void fail(const QString& name, const QString& message) { m_reader.fail(name, message); }
    QString pathOf(const QString& name) const { return m_reader.pathOf(name); }
    // True when the field is present and not null.
    bool has(const QString& name) const;

    QString requiredString(const QString& name, qsizetype maxLength, qsizetype minLength = 1);
    // Absent, null and "" all read as an empty string.
    QString optionalString(const QString& name, qsizetype maxLength);
    int requiredInt(const QString& name, int min, int max);
    std::optional<int> optionalInt(const QString& name, int min, int max);
    qint64 requiredInt64(const QString& name, qint64 min, qint64 max);
    std::optional<qint64> optionalInt64(const QString& name, qint64 min, qint64 max);
    bool requiredBool(const QString& name) { return m_reader.requiredBool(name); }
    bool optionalBool(const QString& name, bool fallback = false);
    std::optional<double> optionalDouble(const QString& name, double min, double max);

    QDate requiredDate(const QString& name);
    QDate optionalDate(const QString& name); // invalid QDate when absent
    QDateTime requiredTimestamp(const QString& name);
    QDateTime optionalTimestamp(const QString& name); // invalid QDateTime when absent
    QString requiredId(const QString& name);          // UUID, returned in lower case
    QString optionalId(const QString& name);
    QString requiredCode(const QString& name, qsizetype maxLength);
    QString optionalCode(const QString& name, qsizetype maxLength);
    // A string of at most maxLength that passes valid(); otherwise fails with expectation.
    QString requiredText(const QString& name, qsizetype maxLength, bool (*valid)(QStringView),
                         const QString& expectation);
    QString optionalText(const QString& name, qsizetype maxLength, bool (*valid)(QStringView),
                         const QString& expectation);

    template <class E> E requiredEnum(const QString& name, E fallback);
    template <class E> std::optional<E> optionalEnum(const QString& name);

    // An array of up to maxItems non-empty strings of up to maxLength each.
    QStringList stringList(const QString& name, qsizetype maxItems, qsizetype maxLength);

    // A nested object that must be present; errors inside it name "name.field".
    Reader object(const QString& name);
    // The nested object as raw JSON (still required to be an object).
    QJsonObject rawObject(const QString& name);
    template <class T> T requiredObject(const QString& name);
    template <class T> std::optional<T> optionalObject(const QString& name);
    // An array of objects read with T::read; errors name "name[i].field".
    template <class T> QList<T> list(const QString& name, qsizetype maxItems, bool required);

private:
    Reader(bus::JsonReader reader, QJsonObject object);
    Reader element(const QJsonArray& array, const QString& arrayName, qsizetype index);
    QString text(const QString& name, bool required, qsizetype maxLength,
                 bool (*valid)(QStringView), const QString& expectation);
    // A date or timestamp field parsed once (a validator would parse it a second time).
    template <class T>
    T parsed(const QString& name, bool required, qsizetype maxLength, T (*parse)(QStringView),
             QString (*expectation)());
    void failEnum(const QString& name, const QStringList& allowed);

    bus::JsonReader m_reader;
    QJsonObject m_object;
};

// Reads "v": absent means 1; a value above kProtocolVersion is refused, naming "v".
void readVersion(Reader& reader);

// The start of every top-level message: {"v": kProtocolVersion}.
QJsonObject messageObject();

// Writers that leave out absent values (empty strings, invalid dates, nullopt).
void putText(QJsonObject& object, const QString& name, const QString& value);
void putDate(QJsonObject& object, const QString& name, QDate value);
void putTimestamp(QJsonObject& object, const QString& name, const QDateTime& value);
void putInt(QJsonObject& object, const QString& name, std::optional<int> value);
void putInt64(QJsonObject& object, const QString& name, std::optional<qint64> value);
void putDouble(QJsonObject& object, const QString& name, std::optional<double> value);
void putStrings(QJsonObject& object, const QString& name, const QStringList& values);
template <class E> void putEnum(QJsonObject& object, const QString& name, E value)
{
    object.insert(name, toWire(value));
}
template <class T> QJsonArray toArray(const QList<T>& items)
{
    QJsonArray array;
    for (const T& item : items)
        array.append(item.toJson());
    return array;
}

// fromJson of a top-level message (checks "v") and of a nested type (no "v").
template <class T> bus::Result<T> decodeMessage(const QJsonObject& object)
{
    Reader reader(object);
    readVersion(reader);
    T value = T::read(reader);
    if (!reader.ok())
        return reader.error();
    return value;
}

template <class T> bus::Result<T> decodeObject(const QJsonObject& object)
{
    Reader reader(object);
    T value = T::read(reader);
    if (!reader.ok())
        return reader.error();
    return value;
}

// --- template definitions -------------------------------------------------------------

template <class E> std::optional<E> Reader::optionalEnum(const QString& name)
{
    if (!ok() || !has(name))
        return std::nullopt;
    const QString wire = optionalString(name, 64);
    if (!ok())
        return std::nullopt;
    const std::optional<E> value = enumFromWire<E>(wire); // "" is not a value either
    if (!value)
        failEnum(name, wireValues<E>());
    return value;
}

template <class E> E Reader::requiredEnum(const QString& name, E fallback)
{
    if (ok() && !has(name)) {
        fail(name, Text::tr("is required"));
        return fallback;
    }
    return optionalEnum<E>(name).value_or(fallback);
}

template <class T> T Reader::requiredObject(const QString& name)
{
    Reader nested = object(name);
    return T::read(nested);
}

template <class T> std::optional<T> Reader::optionalObject(const QString& name)
{
    if (!ok() || !has(name))
        return std::nullopt;
    return requiredObject<T>(name);
}

template <class T> QList<T> Reader::list(const QString& name, qsizetype maxItems, bool required)
{
    const QJsonArray array =
        required ? m_reader.requiredArray(name, maxItems) : m_reader.optionalArray(name, maxItems);
    QList<T> items;
    items.reserve(array.size());
    for (qsizetype i = 0; i < array.size() && ok(); ++i) {
        Reader item = element(array, name, i);
        items.append(T::read(item));
    }
    return items;
}

} // namespace json
} // namespace openopd::protocol
