#include "bus/json_reader.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>

namespace openopd::bus {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::bus::JsonReader", text);
}

// JSON numbers are doubles; integers beyond 2^53 cannot round-trip exactly.
constexpr double kMaxExactInteger = 9007199254740992.0;

} // namespace

Result<QJsonObject> parseJsonObject(QByteArrayView data, qsizetype maxBytes)
{
    if (data.size() > maxBytes)
        return BusError::decode(
            {}, tr("message is %1 bytes, the limit is %2").arg(data.size()).arg(maxBytes));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(data.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return BusError::decode({}, tr("malformed JSON at offset %1: %2")
                                        .arg(parseError.offset)
                                        .arg(parseError.errorString()));
    if (!document.isObject())
        return BusError::decode({}, tr("expected a JSON object"));
    return document.object();
}

JsonReader::JsonReader(QJsonObject object, QString path)
    : JsonReader(std::move(object), std::move(path), std::make_shared<BusError>())
{}

JsonReader::JsonReader(QJsonObject object, QString path, std::shared_ptr<BusError> sink)
    : m_object(std::move(object)), m_path(std::move(path)), m_error(std::move(sink))
{}

QString JsonReader::pathOf(const QString& name) const
{
    return m_path.isEmpty() ? name : m_path + u'.' + name;
}

void JsonReader::fail(const QString& name, const QString& message)
{
    if (!m_error->isError())
        *m_error = BusError::decode(pathOf(name), message);
}

std::optional<QJsonValue> JsonReader::take(const QString& name, bool required)
{
    if (!ok())
        return std::nullopt;
    const auto it = m_object.constFind(name);
    if (it == m_object.constEnd() || it->isNull()) {
        if (required)
            fail(name, tr("is required"));
        return std::nullopt;
    }
    return *it;
}

QString JsonReader::requiredString(const QString& name, qsizetype maxLength, qsizetype minLength)
{
    const auto value = take(name, true);
    if (!value)
        return {};
    if (!value->isString()) {
        fail(name, tr("must be a string"));
        return {};
    }
    QString text = value->toString();
    if (text.trimmed().size() < minLength) {
        fail(name, minLength <= 1 ? tr("must not be empty")
                                  : tr("must have at least %1 characters").arg(minLength));
        return {};
    }
    if (text.size() > maxLength) {
        fail(name, tr("is longer than %1 characters").arg(maxLength));
        return {};
    }
    return text;
}

QString JsonReader::optionalString(const QString& name, qsizetype maxLength)
{
    const auto value = take(name, false);
    if (!value)
        return {};
    if (!value->isString()) {
        fail(name, tr("must be a string"));
        return {};
    }
    QString text = value->toString();
    if (text.size() > maxLength) {
        fail(name, tr("is longer than %1 characters").arg(maxLength));
        return {};
    }
    return text;
}

std::optional<qint64> JsonReader::optionalInt(const QString& name, qint64 min, qint64 max)
{
    const auto value = take(name, false);
    if (!value)
        return std::nullopt;
    const double number = value->toDouble();
    if (!value->isDouble() || std::trunc(number) != number ||
        std::fabs(number) > kMaxExactInteger) {
        fail(name, tr("must be an integer"));
        return std::nullopt;
    }
    const auto integer = static_cast<qint64>(number);
    if (integer < min || integer > max) {
        fail(name, tr("must be between %1 and %2").arg(min).arg(max));
        return std::nullopt;
    }
    return integer;
}

qint64 JsonReader::requiredInt(const QString& name, qint64 min, qint64 max)
{
    if (ok() && !m_object.contains(name)) {
        fail(name, tr("is required"));
        return 0;
    }
    return optionalInt(name, min, max).value_or(0);
}

bool JsonReader::optionalBool(const QString& name, bool fallback)
{
    const auto value = take(name, false);
    if (!value)
        return fallback;
    if (!value->isBool()) {
        fail(name, tr("must be true or false"));
        return fallback;
    }
    return value->toBool();
}

bool JsonReader::requiredBool(const QString& name)
{
    if (ok() && (!m_object.contains(name) || m_object.value(name).isNull())) {
        fail(name, tr("is required"));
        return false;
    }
    return optionalBool(name, false);
}

QJsonArray JsonReader::optionalArray(const QString& name, qsizetype maxItems)
{
    const auto value = take(name, false);
    if (!value)
        return {};
    if (!value->isArray()) {
        fail(name, tr("must be an array"));
        return {};
    }
    QJsonArray array = value->toArray();
    if (array.size() > maxItems) {
        fail(name, tr("has more than %1 items").arg(maxItems));
        return {};
    }
    return array;
}

QJsonArray JsonReader::requiredArray(const QString& name, qsizetype maxItems)
{
    if (ok() && (!m_object.contains(name) || m_object.value(name).isNull())) {
        fail(name, tr("is required"));
        return {};
    }
    return optionalArray(name, maxItems);
}

JsonReader JsonReader::object(const QString& name)
{
    const auto value = take(name, true);
    if (value && !value->isObject())
        fail(name, tr("must be an object"));
    return JsonReader(value && value->isObject() ? value->toObject() : QJsonObject{}, pathOf(name),
                      m_error);
}

JsonReader JsonReader::element(const QJsonArray& array, const QString& arrayName, qsizetype index)
{
    const QString path = pathOf(arrayName) + u'[' + QString::number(index) + u']';
    const QJsonValue value = array.at(index);
    if (!value.isObject() && ok())
        *m_error = BusError::decode(path, tr("must be an object"));
    return JsonReader(value.toObject(), path, m_error);
}

} // namespace openopd::bus
