#include "protocol/json_fields.h"

#include "protocol/validation.h"

namespace openopd::protocol {

namespace json {

Reader::Reader(const QJsonObject& object) : m_reader(object), m_object(object) {}

Reader::Reader(bus::JsonReader reader, QJsonObject object)
    : m_reader(std::move(reader)), m_object(std::move(object))
{}

bool Reader::has(const QString& name) const
{
    const auto it = m_object.constFind(name);
    return it != m_object.constEnd() && !it->isNull();
}

QString Reader::requiredString(const QString& name, qsizetype maxLength, qsizetype minLength)
{
    return m_reader.requiredString(name, maxLength, minLength);
}

QString Reader::optionalString(const QString& name, qsizetype maxLength)
{
    return m_reader.optionalString(name, maxLength);
}

int Reader::requiredInt(const QString& name, int min, int max)
{
    return static_cast<int>(m_reader.requiredInt(name, min, max));
}

std::optional<int> Reader::optionalInt(const QString& name, int min, int max)
{
    const std::optional<qint64> value = m_reader.optionalInt(name, min, max);
    if (!value)
        return std::nullopt;
    return static_cast<int>(*value);
}

qint64 Reader::requiredInt64(const QString& name, qint64 min, qint64 max)
{
    return m_reader.requiredInt(name, min, max);
}

std::optional<qint64> Reader::optionalInt64(const QString& name, qint64 min, qint64 max)
{
    return m_reader.optionalInt(name, min, max);
}

bool Reader::optionalBool(const QString& name, bool fallback)
{
    return m_reader.optionalBool(name, fallback);
}

std::optional<double> Reader::optionalDouble(const QString& name, double min, double max)
{
    if (!ok() || !has(name))
        return std::nullopt;
    const QJsonValue value = m_object.value(name);
    if (!value.isDouble()) {
        fail(name, Text::tr("must be a number"));
        return std::nullopt;
    }
    const double number = value.toDouble();
    if (number < min || number > max) {
        fail(name, Text::tr("must be between %1 and %2").arg(min).arg(max));
        return std::nullopt;
    }
    return number;
}

QString Reader::text(const QString& name, bool required, qsizetype maxLength,
                     bool (*valid)(QStringView), const QString& expectation)
{
    const QString value =
        required ? requiredString(name, maxLength) : optionalString(name, maxLength);
    if (!ok() || value.isEmpty())
        return value;
    if (!valid(value)) {
        fail(name, expectation);
        return {};
    }
    return value;
}

QString Reader::requiredText(const QString& name, qsizetype maxLength, bool (*valid)(QStringView),
                             const QString& expectation)
{
    return text(name, true, maxLength, valid, expectation);
}

QString Reader::optionalText(const QString& name, qsizetype maxLength, bool (*valid)(QStringView),
                             const QString& expectation)
{
    return text(name, false, maxLength, valid, expectation);
}

namespace {

QString dateExpectation()
{
    return Text::tr("must be a date YYYY-MM-DD between %1 and %2")
        .arg(formatDate(minDate()), formatDate(maxDate()));
}

QString timestampExpectation()
{
    return Text::tr("must be an RFC 3339 timestamp with a zone, years 1970 to 2199, e.g. "
                    "2024-05-01T08:30:00.000Z");
}

QString idExpectation()
{
    return Text::tr("must be a UUID (8-4-4-4-12 hex digits)");
}

QString codeExpectation()
{
    return Text::tr("must start with a letter or digit and contain only letters, digits, "
                    "'.', '_', '/' and '-'");
}

} // namespace

template <class T>
T Reader::parsed(const QString& name, bool required, qsizetype maxLength, T (*parse)(QStringView),
                 QString (*expectation)())
{
    const QString value =
        required ? requiredString(name, maxLength) : optionalString(name, maxLength);
    if (!ok() || value.isEmpty())
        return {};
    T result = parse(value);
    if (!result.isValid())
        fail(name, expectation());
    return result;
}

QDate Reader::requiredDate(const QString& name)
{
    return parsed<QDate>(name, true, 32, parseDate, dateExpectation);
}

QDate Reader::optionalDate(const QString& name)
{
    return parsed<QDate>(name, false, 32, parseDate, dateExpectation);
}

QDateTime Reader::requiredTimestamp(const QString& name)
{
    return parsed<QDateTime>(name, true, 64, parseTimestamp, timestampExpectation);
}

QDateTime Reader::optionalTimestamp(const QString& name)
{
    return parsed<QDateTime>(name, false, 64, parseTimestamp, timestampExpectation);
}

QString Reader::requiredId(const QString& name)
{
    return requiredText(name, 36, isValidId, idExpectation()).toLower();
}

QString Reader::optionalId(const QString& name)
{
    return optionalText(name, 36, isValidId, idExpectation()).toLower();
}

QString Reader::requiredCode(const QString& name, qsizetype maxLength)
{
    return requiredText(name, maxLength, isValidCode, codeExpectation());
}

QString Reader::optionalCode(const QString& name, qsizetype maxLength)
{
    return optionalText(name, maxLength, isValidCode, codeExpectation());
}

void Reader::failEnum(const QString& name, const QStringList& allowed)
{
    fail(name, Text::tr("must be one of: %1").arg(allowed.join(QStringLiteral(", "))));
}

QStringList Reader::stringList(const QString& name, qsizetype maxItems, qsizetype maxLength)
{
    const QJsonArray array = m_reader.optionalArray(name, maxItems);
    QStringList values;
    for (qsizetype i = 0; i < array.size() && ok(); ++i) {
        const QString itemName = name + u'[' + QString::number(i) + u']';
        const QJsonValue item = array.at(i);
        if (!item.isString())
            fail(itemName, Text::tr("must be a string"));
        else if (item.toString().trimmed().isEmpty())
            fail(itemName, Text::tr("must not be empty"));
        else if (item.toString().size() > maxLength)
            fail(itemName, Text::tr("is longer than %1 characters").arg(maxLength));
        else
            values.append(item.toString());
    }
    return values;
}

Reader Reader::object(const QString& name)
{
    bus::JsonReader nested = m_reader.object(name);
    return Reader(std::move(nested), m_object.value(name).toObject());
}

QJsonObject Reader::rawObject(const QString& name)
{
    m_reader.object(name);
    return m_object.value(name).toObject();
}

Reader Reader::element(const QJsonArray& array, const QString& arrayName, qsizetype index)
{
    bus::JsonReader item = m_reader.element(array, arrayName, index);
    return Reader(std::move(item), array.at(index).toObject());
}

void readVersion(Reader& reader)
{
    const QString name = QStringLiteral("v");
    const std::optional<qint64> version = reader.optionalInt64(name, 1, 1000000);
    if (version && *version > kProtocolVersion)
        reader.fail(name, Text::tr("version %1 is not supported; this build understands version %2 "
                                   "and older")
                              .arg(*version)
                              .arg(kProtocolVersion));
}

QJsonObject messageObject()
{
    return {{QStringLiteral("v"), kProtocolVersion}};
}

void putText(QJsonObject& object, const QString& name, const QString& value)
{
    if (!value.isEmpty())
        object.insert(name, value);
}

void putDate(QJsonObject& object, const QString& name, QDate value)
{
    if (value.isValid())
        object.insert(name, formatDate(value));
}

void putTimestamp(QJsonObject& object, const QString& name, const QDateTime& value)
{
    if (value.isValid())
        object.insert(name, formatTimestamp(value));
}

void putInt(QJsonObject& object, const QString& name, std::optional<int> value)
{
    if (value)
        object.insert(name, *value);
}

void putInt64(QJsonObject& object, const QString& name, std::optional<qint64> value)
{
    if (value)
        object.insert(name, *value);
}

void putDouble(QJsonObject& object, const QString& name, std::optional<double> value)
{
    if (value)
        object.insert(name, *value);
}

void putStrings(QJsonObject& object, const QString& name, const QStringList& values)
{
    if (!values.isEmpty())
        object.insert(name, QJsonArray::fromStringList(values));
}

} // namespace json
} // namespace openopd::protocol
