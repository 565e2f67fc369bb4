#include "host/event_version.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <optional>

namespace openopd::host {
namespace {

// A forward-only scanner of JSON text: skips values without building them. Every skip returns
// false on text that cannot be JSON (the caller then answers 0, as a failed parse would).
class Scanner
{
public:
    explicit Scanner(const QByteArray& text) : m_p(text.constData()), m_end(m_p + text.size()) {}

    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }
    bool take(char c)
    {
        skipSpace();
        if (m_p >= m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }
    // The next character after white space ('\0' at the end).
    char next()
    {
        skipSpace();
        return m_p < m_end ? *m_p : '\0';
    }
    // A string at the cursor; *isV: whether it is exactly "v" (no escapes can spell it
    // otherwise: "\u0076" is "v" too, so any escape makes the key "not known", see below).
    bool skipString(bool* isV = nullptr, bool* escaped = nullptr)
    {
        if (!take('"'))
            return false;
        const char* start = m_p;
        bool hadEscape = false;
        while (m_p < m_end && *m_p != '"') {
            if (static_cast<unsigned char>(*m_p) < 0x20)
                return false;
            if (*m_p == '\\') {
                hadEscape = true;
                ++m_p;
            }
            ++m_p;
        }
        if (m_p >= m_end)
            return false;
        if (isV)
            *isV = !hadEscape && m_p - start == 1 && *start == 'v';
        if (escaped)
            *escaped = hadEscape;
        ++m_p;
        return true;
    }
    // Any value; containers by depth (strings inside them skipped whole).
    bool skipValue()
    {
        skipSpace();
        if (m_p >= m_end)
            return false;
        if (*m_p == '"')
            return skipString();
        if (*m_p != '{' && *m_p != '[') {
            const char* start = m_p;
            while (m_p < m_end && *m_p != ',' && *m_p != '}' && *m_p != ']' && *m_p != ' ' &&
                   *m_p != '\t' && *m_p != '\n' && *m_p != '\r')
                ++m_p;
            return m_p > start;
        }
        int depth = 0;
        while (m_p < m_end) {
            const char c = *m_p;
            if (c == '"') {
                if (!skipString())
                    return false;
                continue;
            }
            ++m_p;
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return true;
        }
        return false;
    }
    // A plain JSON number at the cursor, as QJsonValue::toInt(0) would give it.
    std::optional<int> number()
    {
        skipSpace();
        const char* start = m_p;
        while (m_p < m_end && ((*m_p >= '0' && *m_p <= '9') || *m_p == '-' || *m_p == '+' ||
                               *m_p == '.' || *m_p == 'e' || *m_p == 'E'))
            ++m_p;
        if (m_p == start)
            return std::nullopt;
        bool ok = false;
        const double value = QByteArray(start, m_p - start).toDouble(&ok);
        if (!ok)
            return std::nullopt;
        return QJsonValue(value).toInt(0);
    }

private:
    const char* m_p;
    const char* m_end;
};

// nullopt: the scan cannot tell (an escaped key, a repeated "v", text that is not JSON): the
// full parse decides.
std::optional<int> scanVersion(const QByteArray& payload)
{
    Scanner scan(payload);
    if (!scan.take('{'))
        return std::nullopt;
    if (scan.take('}'))
        return 1;
    std::optional<int> version;
    for (;;) {
        bool isV = false;
        bool escaped = false;
        if (!scan.skipString(&isV, &escaped) || escaped || !scan.take(':'))
            return std::nullopt;
        if (isV) {
            if (version)
                return std::nullopt;
            const char first = scan.next();
            if (first == '-' || (first >= '0' && first <= '9'))
                version = scan.number().value_or(0);
            else if (scan.skipValue())
                version = 0; // not a number: as the parse answers for a valid document
            else
                return std::nullopt;
        } else if (!scan.skipValue()) {
            return std::nullopt;
        }
        if (scan.take('}'))
            return version.value_or(1);
        if (!scan.take(','))
            return std::nullopt;
    }
}

} // namespace

int eventSchemaVersionParsed(const QByteArray& payload)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return 0;
    const QJsonValue version = document.object().value(QStringLiteral("v"));
    if (version.isUndefined())
        return 1;
    return version.isDouble() ? version.toInt(0) : 0;
}

int eventSchemaVersion(const QByteArray& payload, int knownVersion)
{
    const std::optional<int> scanned = scanVersion(payload);
    if (!scanned || *scanned > knownVersion)
        return eventSchemaVersionParsed(payload);
    return *scanned;
}

} // namespace openopd::host
