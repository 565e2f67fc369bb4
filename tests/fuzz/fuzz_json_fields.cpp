// fuzz_json_fields: JSON field reading (protocol/json_fields.h on bus/json_reader.h) and the
// text rules of protocol/validation.h, with what every read promises checked: a value read
// without error lies within the bounds asked for (lengths, ranges, dates, timestamps, ids,
// codes, enums), and an error is a DecodeError naming its field.
// Input: byte 0 picks the mode; for objects bytes 1..8 pick the read of each field, in order,
// and the rest is the JSON object. For texts, the rest is one UTF-8 text.

#include "bus/codec.h"
#include "fuzz_check.h"
#include "protocol/json_fields.h"
#include "protocol/validation.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

using namespace openopd;
using namespace openopd::protocol;

namespace {

using Ops = std::array<std::uint8_t, 8>;

// A nested type for list<T>() and optionalObject<T>(): reads fixed field names, recursively.
struct Probe
{
    static Probe read(json::Reader& reader)
    {
        const QString a = reader.optionalString(QStringLiteral("a"), 16);
        FUZZ_CHECK(!reader.ok() || a.size() <= 16);
        const std::optional<int> b = reader.optionalInt(QStringLiteral("b"), -5, 5);
        FUZZ_CHECK(!reader.ok() || !b || (*b >= -5 && *b <= 5));
        const QDateTime at = reader.optionalTimestamp(QStringLiteral("at"));
        FUZZ_CHECK(!reader.ok() || !at.isValid() || at.timeSpec() == Qt::UTC);
        const QString id = reader.optionalId(QStringLiteral("id"));
        FUZZ_CHECK(!reader.ok() || id.isEmpty() || (isValidId(id) && id == id.toLower()));
        reader.optionalObject<Probe>(QStringLiteral("c"));
        return {};
    }
};

void checkError(const json::Reader& reader)
{
    if (reader.ok())
        return;
    FUZZ_CHECK(reader.error().kind == bus::BusError::Kind::DecodeError);
    FUZZ_CHECK(!reader.error().field.isEmpty());
    FUZZ_CHECK(!reader.error().message.isEmpty());
}

void readField(json::Reader& r, const QJsonObject& object, const QString& name, std::uint8_t op,
               const Ops& ops, int depth);

void readObject(json::Reader& r, const QJsonObject& object, const Ops& ops, int depth)
{
    int i = 0;
    for (auto it = object.begin(); it != object.end() && i < 32; ++it, ++i)
        if (!it.key().isEmpty()) // no protocol field is nameless: an error then names none
            readField(r, it.value().toObject(), it.key(),
                      ops[static_cast<std::size_t>(i + depth) % ops.size()], ops, depth);
    checkError(r);
}

void readField(json::Reader& r, const QJsonObject& nested, const QString& name, std::uint8_t op,
               const Ops& ops, int depth)
{
    const qsizetype bound = (op >> 5) * 9 + 1; // 1..64
    openopd::fuzz::fuzzContext() = "field " + name.toStdString() + " read " +
                                   std::to_string(op % 22) + " bound " + std::to_string(bound);
    const bool wasOk = r.ok();
    switch (op % 22) {
    case 0: {
        const QString v = r.requiredString(name, bound, (op >> 5) % 3);
        FUZZ_CHECK(!r.ok() || (v.size() <= bound && v.trimmed().size() >= (op >> 5) % 3));
        break;
    }
    case 1: {
        const QString v = r.optionalString(name, bound);
        FUZZ_CHECK(!r.ok() || v.size() <= bound);
        break;
    }
    case 2: {
        const int v = r.requiredInt(name, -static_cast<int>(bound), static_cast<int>(bound));
        FUZZ_CHECK(!r.ok() || (v >= -bound && v <= bound));
        break;
    }
    case 3: {
        const auto v = r.optionalInt64(name, 0, qint64{1} << 53);
        FUZZ_CHECK(!r.ok() || !v || (*v >= 0 && *v <= (qint64{1} << 53)));
        break;
    }
    case 4: {
        const qint64 v = r.requiredInt64(name, std::numeric_limits<qint64>::min(),
                                         std::numeric_limits<qint64>::max());
        FUZZ_CHECK(!r.ok() || (v >= -(qint64{1} << 53) && v <= (qint64{1} << 53)));
        break;
    }
    case 5:
        r.requiredBool(name);
        break;
    case 6:
        r.optionalBool(name, (op & 0x80) != 0);
        break;
    case 7: {
        const auto v = r.optionalDouble(name, -1.5, static_cast<double>(bound));
        FUZZ_CHECK(!r.ok() || !v || (*v >= -1.5 && *v <= static_cast<double>(bound)));
        break;
    }
    case 8: {
        const QDate v = (op & 0x80) ? r.requiredDate(name) : r.optionalDate(name);
        FUZZ_CHECK(!r.ok() || !v.isValid() ||
                   (v >= minDate() && v <= maxDate() && parseDate(formatDate(v)) == v));
        FUZZ_CHECK(!r.ok() || !(op & 0x80) || v.isValid());
        break;
    }
    case 9: {
        const QDateTime v = (op & 0x80) ? r.requiredTimestamp(name) : r.optionalTimestamp(name);
        FUZZ_CHECK(!r.ok() || !v.isValid() ||
                   (v.timeSpec() == Qt::UTC && parseTimestamp(formatTimestamp(v)) == v));
        FUZZ_CHECK(!r.ok() || !(op & 0x80) || v.isValid());
        break;
    }
    case 10: {
        const QString v = (op & 0x80) ? r.requiredId(name) : r.optionalId(name);
        FUZZ_CHECK(!r.ok() || v.isEmpty() || (isValidId(v) && v == v.toLower()));
        break;
    }
    case 11: {
        const QString v = (op & 0x80) ? r.requiredCode(name, bound) : r.optionalCode(name, bound);
        FUZZ_CHECK(!r.ok() || v.isEmpty() || (isValidCode(v) && v.size() <= bound));
        break;
    }
    case 12: {
        const QString v = r.requiredText(name, bound, isValidPhone, QStringLiteral("phone"));
        FUZZ_CHECK(!r.ok() || (isValidPhone(v) && v.size() <= bound));
        break;
    }
    case 13: {
        const QString v = r.optionalText(name, bound, isValidQueue, QStringLiteral("queue"));
        FUZZ_CHECK(!r.ok() || v.isEmpty() || isValidQueue(v));
        break;
    }
    case 14: {
        const VisitState v = r.requiredEnum<VisitState>(name, VisitState::Registered);
        FUZZ_CHECK(!r.ok() || enumFromWire<VisitState>(toWire(v)) == v);
        break;
    }
    case 15: {
        const auto v = r.optionalEnum<StaffRole>(name);
        FUZZ_CHECK(!r.ok() || !v || enumFromWire<StaffRole>(toWire(*v)) == v);
        break;
    }
    case 16: {
        const QStringList v = r.stringList(name, op >> 5, bound);
        FUZZ_CHECK(!r.ok() || v.size() <= (op >> 5));
        for (const QString& item : v)
            FUZZ_CHECK(!r.ok() || (!item.isEmpty() && item.size() <= bound));
        break;
    }
    case 17:
    case 18: {
        if (depth >= 8) // deep enough: Qt's parser allows more, the decoders nest 4 levels
            break;
        json::Reader inner = r.object(name);
        readObject(inner, nested, ops, depth + 1);
        break;
    }
    case 19:
        r.rawObject(name);
        break;
    case 20: {
        const QList<Probe> v = r.list<Probe>(name, op >> 5, (op & 0x10) != 0);
        FUZZ_CHECK(!r.ok() || v.size() <= (op >> 5));
        break;
    }
    case 21:
        r.optionalObject<Probe>(name);
        break;
    }
    FUZZ_CHECK(wasOk || !r.ok()); // the first error stays
    checkError(r);
}

// A text through the rules of validation.h: what parses, formats and parses back the same.
void checkText(const QString& text)
{
    const QDate date = parseDate(text);
    if (date.isValid())
        FUZZ_CHECK(date >= minDate() && date <= maxDate() && parseDate(formatDate(date)) == date);
    const QDateTime at = parseTimestamp(text);
    if (at.isValid()) {
        FUZZ_CHECK(at.timeSpec() == Qt::UTC);
        FUZZ_CHECK(at.date().year() >= 1970 && at.date().year() <= 2199);
        FUZZ_CHECK(parseTimestamp(formatTimestamp(at)) == at);
    }
    if (isValidId(text))
        FUZZ_CHECK(isValidId(text.toLower()));
    isValidCode(text), isValidNationalId(text), isValidStaffId(text), isValidQueue(text);
    isValidPhone(text), isValidIcd10(text), isValidEventType(text), isValidSha256Hex(text);
    if (const auto state = enumFromWire<VisitState>(text))
        FUZZ_CHECK(toWire(*state) == text);
    if (const auto reason = enumFromWire<StockReason>(text))
        FUZZ_CHECK(toWire(*reason) == text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return -1;
    if (data[0] % 4 == 0) {
        checkText(QString::fromUtf8(reinterpret_cast<const char*>(data + 1),
                                    static_cast<qsizetype>(size - 1)));
        return 0;
    }
    if (size < 9)
        return -1;
    Ops ops{};
    std::copy(data + 1, data + 9, ops.begin());
    const auto object = bus::parseJsonObject(
        QByteArrayView(data + 9, static_cast<qsizetype>(size - 9)), bus::kMaxPayloadBytes);
    if (!object)
        return 0;
    json::Reader reader(*object);
    openopd::fuzz::fuzzContext() = "readVersion";
    readVersion(reader);
    readObject(reader, *object, ops, 0);
    return 0;
}
