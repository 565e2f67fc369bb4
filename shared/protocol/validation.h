#pragma once

// The text rules of the protocol in one place: ids, codes, dates, timestamps, ICD-10.
// Decoders use them; services may use them on their own input (command lines, imports).

#include <QDate>
#include <QDateTime>
#include <QString>

namespace openopd::protocol {

// Ids of patients, visits, consultations, dispenses, lab orders, discharges and events are
// UUIDs in canonical text form, lowercase, without braces
// ("3f2b8c4e-9a1d-4e57-b7a2-0c5d6e7f8a90"). Decoders accept upper case and lower it.
// A new id: time-ordered (UUID version 7, bus/time_ordered_id.h), so that indexes on ids
// take new rows on their rightmost pages.
QString newId();
bool isValidId(QStringView text);

// Codes (MRN, drug code, test code, batch, sample id): a letter or digit, then letters,
// digits and . _ / - ; no spaces. Length limits are per field.
bool isValidCode(QStringView text);
// A national id: groups of letters and digits separated by single spaces, . / or -
// ("AB 12 34 56 C", "850101-14-5567").
bool isValidNationalId(QStringView text);
// Staff user ids are login names: a letter or digit, then letters, digits and . _ @ -.
bool isValidStaffId(QStringView text);
// Queue names: lower case letters, digits, _ and -, starting with a letter or digit.
bool isValidQueue(QStringView text);
// Phone numbers: optional leading +, then digits, spaces and ( ) . / -, at least 3 digits.
bool isValidPhone(QStringView text);
// ICD-10 codes: ^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$ (upper case, e.g. "J06.9").
bool isValidIcd10(QStringView text);
// Event types: "<aggregate>.<event>", both lower_snake_case ("visit.left_unseen").
bool isValidEventType(QStringView text);
// SHA-256 digests: 64 lower-case hex digits.
bool isValidSha256Hex(QStringView text);

// Dates are "YYYY-MM-DD" (ISO 8601 calendar dates) from 1880-01-01 to 2199-12-31.
// An invalid QDate means "not a valid protocol date".
QDate parseDate(QStringView text);
QString formatDate(QDate date);
QDate minDate(); // 1880-01-01
QDate maxDate(); // 2199-12-31

// Timestamps are RFC 3339 with a zone designator ("2024-05-01T08:30:00.123Z" or
// "...+02:00"), fractional seconds optional (up to 9 digits, kept to milliseconds), years
// 1970..2199. Decoded timestamps are UTC; encoders always write UTC with milliseconds and Z.
// An invalid QDateTime means "not a valid protocol timestamp".
QDateTime parseTimestamp(QStringView text);
QString formatTimestamp(const QDateTime& timestamp);
// Now, in UTC, with millisecond precision (what encoders keep).
QDateTime nowUtc();

} // namespace openopd::protocol
