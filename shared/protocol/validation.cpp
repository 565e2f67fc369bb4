#include "protocol/validation.h"

#include "bus/time_ordered_id.h"

#include <QRegularExpression>
#include <QUuid>

namespace openopd::protocol {
namespace {

// The whole text: PCRE's '$' also matches before a final newline, so "ABC\n" would pass
// "^[A-Z]+$" on its own (found by fuzzing the --db parser, issue 14).
bool matches(const QRegularExpression& pattern, QStringView text)
{
    const QRegularExpressionMatch match = pattern.match(text);
    return match.hasMatch() && match.capturedStart() == 0 && match.capturedEnd() == text.size();
}

} // namespace

QString newId()
{
    return QString::fromLatin1(bus::timeOrderedUuid()); // version 7: index-friendly
}

bool isValidId(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return matches(pattern, text) && !QUuid::fromString(text).isNull();
}

bool isValidCode(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._/-]*$"));
    return matches(pattern, text);
}

bool isValidNationalId(QStringView text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z0-9]+(?:[ ./-][A-Za-z0-9]+)*$"));
    return matches(pattern, text);
}

bool isValidStaffId(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._@-]*$"));
    return matches(pattern, text);
}

bool isValidQueue(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9_-]*$"));
    return matches(pattern, text);
}

bool isValidPhone(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^\\+?[0-9 ().\\/-]+$"));
    if (!matches(pattern, text))
        return false;
    qsizetype digits = 0;
    for (const QChar c : text)
        digits += c.isDigit() ? 1 : 0;
    return digits >= 3;
}

bool isValidIcd10(QStringView text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-TV-Z][0-9][0-9AB](\\.[0-9A-TV-Z]{1,4})?$"));
    return matches(pattern, text);
}

bool isValidEventType(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$"));
    return matches(pattern, text);
}

bool isValidSha256Hex(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{64}$"));
    return matches(pattern, text);
}

QDate minDate()
{
    return QDate(1880, 1, 1);
}

QDate maxDate()
{
    return QDate(2199, 12, 31);
}

QDate parseDate(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
    if (!matches(pattern, text))
        return {};
    const QDate date = QDate::fromString(text.toString(), Qt::ISODate);
    if (!date.isValid() || date < minDate() || date > maxDate())
        return {};
    return date;
}

QString formatDate(QDate date)
{
    return date.isValid() ? date.toString(Qt::ISODate) : QString();
}

QDateTime parseTimestamp(QStringView text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^([0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])"
                       "(?:\\.([0-9]{1,9}))?(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch() || match.capturedEnd() != text.size()) // '$' passes a final \n
        return {};
    // Keep milliseconds: Qt parses exactly three fraction digits reliably.
    const QString fraction = QString(match.captured(2) + QStringLiteral("000")).left(3);
    const QString normalized = match.captured(1) + u'.' + fraction + match.captured(3);
    const QDateTime parsed = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return {};
    const QDateTime utc = parsed.toUTC();
    if (utc.date().year() < 1970 || utc.date().year() > 2199)
        return {};
    return utc;
}

namespace {

// Writes value as exactly `width` decimal digits ending just before `end`; returns the start.
char* putDigits(char* end, int value, int width)
{
    for (int i = 0; i < width; ++i) {
        *--end = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return end;
}

} // namespace

QString formatTimestamp(const QDateTime& timestamp)
{
    if (!timestamp.isValid())
        return {};
    // Written out by hand: QDateTime::toString() goes through QString::asprintf and allocates
    // as it goes, about 2 % of registration's CPU under load (several timestamps per event).
    const QDateTime utc = timestamp.toUTC();
    const QDate day = utc.date();
    const QTime clock = utc.time();
    if (day.year() < 1 || day.year() > 9999)
        return utc.toString(Qt::ISODateWithMs);
    char text[] = "0000-00-00T00:00:00.000Z";
    putDigits(text + 4, day.year(), 4);
    putDigits(text + 7, day.month(), 2);
    putDigits(text + 10, day.day(), 2);
    putDigits(text + 13, clock.hour(), 2);
    putDigits(text + 16, clock.minute(), 2);
    putDigits(text + 19, clock.second(), 2);
    putDigits(text + 23, clock.msec(), 3);
    return QString::fromLatin1(text, sizeof text - 1);
}

QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace openopd::protocol
