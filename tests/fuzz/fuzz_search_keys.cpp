// fuzz_search_keys: search-query normalisation (registration/search_keys.h): the name, phone,
// national-id and MRN keys, the phone test, the prefix upper bound and the FTS5 query. Checks
// the shapes the SQL relies on: a name key is words of letters and digits joined by single
// spaces and stays the same when normalised again; a phone key is the reversed digits; a
// prefix bound is above every text with that prefix in code-point order; the FTS5 query reads
// back as exactly the words given (nothing the user typed escapes its quotes).
// Input: byte 0 picks UTF-8 or raw UTF-16 (lone surrogates too), the rest is the text.

#include "fuzz_check.h"
#include "search_keys.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

using namespace openopd::registration;

namespace {

// The words of an FTS5 query built by ftsPrefixQuery, or nullopt when it does not have that
// shape: "w1"* AND "w2"* with '"' doubled inside the quotes.
std::optional<QStringList> readFtsQuery(const QString& query)
{
    QStringList words;
    qsizetype i = 0;
    while (i < query.size()) {
        if (!words.isEmpty()) {
            if (!QStringView(query).mid(i).startsWith(u" AND "))
                return std::nullopt;
            i += 5;
        }
        if (i >= query.size() || query.at(i) != u'"')
            return std::nullopt;
        QString word;
        for (++i;; ++i) {
            if (i >= query.size())
                return std::nullopt;
            if (query.at(i) == u'"') {
                if (i + 1 < query.size() && query.at(i + 1) == u'"') {
                    word += u'"';
                    ++i;
                    continue;
                }
                break;
            }
            word += query.at(i);
        }
        if (i + 1 >= query.size() || query.at(i + 1) != u'*')
            return std::nullopt;
        i += 2;
        words << word;
    }
    return words;
}

void checkNameKey(const QString& text)
{
    const QString key = nameKey(text);
    FUZZ_CHECK(!key.startsWith(u' ') && !key.endsWith(u' ') && !key.contains(u"  "));
    for (const char32_t c : key.toUcs4())
        FUZZ_CHECK(c == U' ' || QChar::isLetterOrNumber(c));
    FUZZ_CHECK(nameKey(key) == key);
    const QStringList words = nameWords(key);
    FUZZ_CHECK(words.size() <= 8);
    for (const QString& word : words)
        FUZZ_CHECK(!word.isEmpty() && !word.contains(u' '));
}

void checkOtherKeys(const QString& text)
{
    const QString digits = phoneDigits(text);
    FUZZ_CHECK(
        std::all_of(digits.begin(), digits.end(), [](QChar c) { return c >= u'0' && c <= u'9'; }));
    QString reversed = phoneKey(text);
    std::reverse(reversed.begin(), reversed.end());
    FUZZ_CHECK(reversed == digits);
    if (looksLikePhone(text))
        FUZZ_CHECK(digits.size() >= 3);
    const QString national = nationalIdKey(text);
    FUZZ_CHECK(nationalIdKey(national) == national);
    for (const QChar c : {u' ', u'.', u'/', u'-'})
        FUZZ_CHECK(!national.contains(c));
    FUZZ_CHECK(mrnKey(mrnKey(text)) == mrnKey(text));
    hasLetter(text);
}

void checkPrefixBound(const QString& prefix, const QString& suffix)
{
    const QString bound = prefixUpperBound(prefix);
    if (bound.isEmpty())
        return;
    FUZZ_CHECK(bound.size() == prefix.size());
    const auto validUtf16 = [](const QString& s) { return QString::fromUtf8(s.toUtf8()) == s; };
    if (!validUtf16(prefix) || !validUtf16(suffix))
        return; // lone surrogates: no code-point order to speak of
    // UTF-8 byte order is code-point order (SQLite BINARY, PostgreSQL "C").
    const QByteArray top = bound.toUtf8();
    const QByteArray longer = (prefix + suffix).toUtf8();
    FUZZ_CHECK(longer < top); // QByteArray compares bytes unsigned, as memcmp
    const QByteArray low = prefix.toUtf8();
    FUZZ_CHECK(!(longer < low));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return -1;
    QString text;
    if (data[0] & 1) {
        text.resize((static_cast<qsizetype>(size) - 1) / 2);
        if (!text.isEmpty())
            std::memcpy(text.data(), data + 1, static_cast<std::size_t>(text.size()) * 2);
    } else {
        text = QString::fromUtf8(reinterpret_cast<const char*>(data + 1),
                                 static_cast<qsizetype>(size - 1));
    }
    openopd::fuzz::fuzzContext() = text.toStdString();
    checkNameKey(text);
    checkOtherKeys(text);
    const qsizetype cut = (data[0] >> 1) % (text.size() + 1);
    checkPrefixBound(text.left(cut), text.mid(cut));
    const QStringList words = text.split(u'|').mid(0, 8);
    const auto back = readFtsQuery(ftsPrefixQuery(words));
    FUZZ_CHECK(back.has_value() && *back == words);
    return 0;
}
