#include "search_keys.h"

#include <algorithm>

namespace openopd::registration {
namespace {

bool isMark(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return true;
    default:
        return false;
    }
}

bool isNationalIdSeparator(QChar c)
{
    return c == u' ' || c == u'.' || c == u'/' || c == u'-';
}

} // namespace

QString nameKey(QStringView text)
{
    const QString decomposed = text.toString().normalized(QString::NormalizationForm_KD);
    QString key;
    key.reserve(decomposed.size());
    bool gap = false;
    for (const char32_t c : decomposed.toUcs4()) {
        if (isMark(c))
            continue; // the accent of a decomposed letter: "é" -> "e" + U+0301
        if (!QChar::isLetterOrNumber(c)) {
            gap = true;
            continue;
        }
        if (gap && !key.isEmpty())
            key.append(u' ');
        gap = false;
        const char32_t folded = QChar::toCaseFolded(c);
        key.append(QStringView(QChar::fromUcs4(folded)));
    }
    return key;
}

QStringList nameWords(const QString& key, qsizetype maxWords)
{
    QStringList words = key.split(u' ', Qt::SkipEmptyParts);
    if (words.size() > maxWords)
        words.resize(maxWords);
    return words;
}

QString phoneDigits(QStringView text)
{
    QString digits;
    for (const QChar c : text)
        if (c >= u'0' && c <= u'9')
            digits.append(c);
    return digits;
}

QString phoneKey(QStringView text)
{
    QString digits = phoneDigits(text);
    std::reverse(digits.begin(), digits.end());
    return digits;
}

QString nationalIdKey(QStringView text)
{
    QString key;
    for (const QChar c : text)
        if (!isNationalIdSeparator(c))
            key.append(c.toUpper());
    return key;
}

QString mrnKey(QStringView text)
{
    return text.toString().toUpper();
}

bool looksLikePhone(QStringView text, int minDigits)
{
    int digits = 0;
    for (const QChar c : text) {
        if (c >= u'0' && c <= u'9')
            ++digits;
        else if (!(c == u' ' || c == u'+' || c == u'(' || c == u')' || c == u'.' || c == u'/' ||
                   c == u'-'))
            return false;
    }
    return digits >= minDigits;
}

bool hasLetter(QStringView text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.isLetter(); });
}

QString prefixUpperBound(const QString& prefix)
{
    if (prefix.isEmpty())
        return {};
    const QChar last = prefix.back();
    if (last.isSurrogate() || last.unicode() == 0xD7FF || last.unicode() == 0xFFFF)
        return {};
    QString bound = prefix;
    bound.back() = QChar(static_cast<char16_t>(last.unicode() + 1));
    return bound;
}

QString ftsPrefixQuery(const QStringList& words)
{
    QStringList terms;
    for (const QString& word : words) {
        QString quoted = word;
        quoted.replace(u'"', QStringLiteral("\"\""));
        terms.append(u'"' + quoted + QStringLiteral("\"*"));
    }
    return terms.join(QStringLiteral(" AND "));
}

} // namespace openopd::registration
