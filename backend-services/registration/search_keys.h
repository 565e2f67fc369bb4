#pragma once

// The normalized keys that patient search and duplicate detection compare (pure functions).
//
//   name key      "José  Álvarez-O'Brien" -> "jose alvarez o brien": compatibility
//                 decomposition (NFKD), combining marks dropped, case folded, every run of
//                 characters that are not letters or digits becomes one space.
//   phone key     the digits of the number, reversed ("+27 82 555 0123" -> "32105552872"),
//                 so that a prefix range on it finds numbers by their trailing digits (the
//                 whole number, or its end without country or trunk prefix).
//   national key  upper case without the separators ' ', '.', '/', '-' ("850101-14-5567"
//                 -> "850101145567").
//   MRN key       upper case.

#include <QString>
#include <QStringList>

namespace openopd::registration {

QString nameKey(QStringView text);
// The words of a name key ("jose alvarez" -> {"jose", "alvarez"}), at most maxWords.
QStringList nameWords(const QString& key, qsizetype maxWords = 8);
QString phoneDigits(QStringView text);
QString phoneKey(QStringView text); // reversed digits; empty when there are none
QString nationalIdKey(QStringView text);
QString mrnKey(QStringView text);

// True when text could be (a part of) a phone number: only digits, spaces, + ( ) . / -, and
// at least minDigits digits.
bool looksLikePhone(QStringView text, int minDigits = 3);
bool hasLetter(QStringView text);

// The smallest string greater than every string that starts with prefix, in code-point
// order (what SQLite's BINARY and PostgreSQL's "C" collation compare): the prefix with its
// last character incremented. Empty when prefix is empty or ends in a character that cannot
// be incremented within the Basic Multilingual Plane.
QString prefixUpperBound(const QString& prefix);

// An FTS5 query matching rows that have, for every word, a token starting with it:
// {"jose", "alv"} -> "\"jose\"* AND \"alv\"*". Each word is a quoted string (a '"' in it is
// doubled), so nothing the user typed is read as FTS5 syntax. Bind it as a value.
QString ftsPrefixQuery(const QStringList& words);

} // namespace openopd::registration
