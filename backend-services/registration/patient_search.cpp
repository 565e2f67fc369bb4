#include "patient_search.h"

#include "patient_store.h"
#include "search_keys.h"

#include <QSet>
#include <algorithm>

namespace openopd::registration {

using protocol::Patient;
using protocol::PatientSearchField;

// The page being built: distinct patients in order, up to limit; truncated once one more
// distinct patient turns up.
class PatientSearch::Collector
{
public:
    explicit Collector(int limit) : m_limit(limit) {}

    void add(Patient patient)
    {
        if (m_seen.contains(patient.id))
            return;
        if (m_patients.size() >= m_limit) {
            m_truncated = true;
            return;
        }
        m_seen.insert(patient.id);
        m_patients.append(std::move(patient));
    }
    bool full() const { return m_truncated; }
    // Rows a lookup should fetch so that, after dropping patients already on the page, it
    // can still fill the page and tell whether more exist.
    int fetch() const { return m_limit + 1 + static_cast<int>(m_patients.size()); }
    QList<Patient> take() { return std::move(m_patients); }
    bool truncated() const { return m_truncated; }

private:
    int m_limit;
    QList<Patient> m_patients;
    QSet<QString> m_seen;
    bool m_truncated = false;
};

bool PatientSearch::run(const protocol::SearchPatientsRequest& request,
                        protocol::SearchPatientsReply* reply, QString* error)
{
    Collector out(request.limit);
    const QString query = request.query.trimmed();
    const PatientSearchField by = request.by;
    const bool any = by == PatientSearchField::Any;
    bool ok = true;
    if (ok && (any || by == PatientSearchField::Mrn))
        ok = byMrn(query, out, error);
    if (ok && (any || by == PatientSearchField::NationalId))
        ok = byNationalId(query, out, error);
    if (ok && (any || by == PatientSearchField::Phone) && looksLikePhone(query))
        ok = byPhone(query, out, error);
    if (ok && (by == PatientSearchField::Name || (any && hasLetter(query))))
        ok = byName(query, out, error);
    if (!ok)
        return false;
    reply->truncated = out.truncated();
    reply->patients = out.take();
    return true;
}

bool PatientSearch::collect(const QString& sql, const QVariantList& values, Collector& out,
                            bool sortByName, QString* error)
{
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    struct Row
    {
        QString nameKey;
        qint64 seq = 0;
        QString doc;
    };
    QList<Row> rows;
    while (query->next())
        rows.append(
            {query->value(2).toString(), query->value(0).toLongLong(), query->value(1).toString()});
    if (sortByName)
        std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
            return a.nameKey != b.nameKey ? a.nameKey < b.nameKey : a.seq < b.seq;
        });
    for (const Row& row : std::as_const(rows)) {
        Patient patient;
        if (!patientFromDoc(row.doc, &patient, error))
            return false;
        out.add(std::move(patient));
    }
    return true;
}

bool PatientSearch::byMrn(const QString& query, Collector& out, QString* error)
{
    return collect(QStringLiteral("SELECT seq, doc, name_key FROM patients WHERE mrn_key = ?"),
                   {mrnKey(query)}, out, false, error);
}

bool PatientSearch::byNationalId(const QString& query, Collector& out, QString* error)
{
    const QString key = nationalIdKey(query);
    if (key.isEmpty())
        return true;
    return collect(
        QStringLiteral("SELECT seq, doc, name_key FROM patients WHERE national_id_key = ?"), {key},
        out, false, error);
}

bool PatientSearch::byPhone(const QString& query, Collector& out, QString* error)
{
    // Trailing digits: a leading trunk prefix ("082 555 0123" for "+27 82 555 0123") is
    // dropped from the query, which can only widen a suffix match.
    QString key = phoneKey(query);
    while (key.endsWith(u'0'))
        key.chop(1);
    const QString upper = prefixUpperBound(key);
    if (key.isEmpty() || upper.isEmpty())
        return true;
    return collect(QStringLiteral("SELECT seq, doc, name_key FROM patients"
                                  " WHERE phone_key >= ? AND phone_key < ?"
                                  " ORDER BY phone_key, seq LIMIT ?"),
                   {key, upper, out.fetch()}, out, false, error);
}

bool PatientSearch::byName(const QString& query, Collector& out, QString* error)
{
    const QString key = nameKey(query);
    const QStringList words = nameWords(key);
    if (words.isEmpty())
        return true;
    const QString prefix = words.join(u' ');
    const QString upper = prefixUpperBound(prefix);
    if (!upper.isEmpty() &&
        !collect(QStringLiteral("SELECT seq, doc, name_key FROM patients"
                                " WHERE name_key >= ? AND name_key < ?"
                                " ORDER BY name_key, date_of_birth, seq LIMIT ?"),
                 {prefix, upper, out.fetch()}, out, false, error))
        return false;
    if (out.full())
        return true;
    return m_db.driver() == host::Driver::Postgres ? byWordsPostgres(words, out.fetch(), out, error)
                                                   : byWordsSqlite(words, out.fetch(), out, error);
}

bool PatientSearch::byWordsSqlite(const QStringList& words, int fetch, Collector& out,
                                  QString* error)
{
    // The MATCH expression is a bound value built from quoted words: no user text in SQL.
    return collect(QStringLiteral("SELECT seq, doc, name_key FROM patients WHERE seq IN"
                                  " (SELECT rowid FROM patients_fts WHERE patients_fts MATCH ?"
                                  " ORDER BY rowid LIMIT ?)"),
                   {ftsPrefixQuery(words), fetch}, out, true, error);
}

bool PatientSearch::byWordsPostgres(const QStringList& words, int fetch, Collector& out,
                                    QString* error)
{
    // Driven by the longest word (the most selective range); every other word must start a
    // word of the same patient. A patient may match the driving range with two words, so
    // the inner LIMIT leaves room for repeats.
    QStringList sorted = words;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const QString& a, const QString& b) { return a.size() > b.size(); });
    QVariantList values;
    QString sql = QStringLiteral("SELECT seq, doc, name_key FROM patients WHERE seq IN"
                                 " (SELECT w.patient_seq FROM patient_words w"
                                 " WHERE w.word >= ? AND w.word < ?");
    for (qsizetype i = 0; i < sorted.size(); ++i) {
        const QString upper = prefixUpperBound(sorted.at(i));
        if (upper.isEmpty())
            return true;
        if (i > 0)
            sql += QStringLiteral(" AND EXISTS (SELECT 1 FROM patient_words o"
                                  " WHERE o.patient_seq = w.patient_seq"
                                  " AND o.word >= ? AND o.word < ?)");
        values << sorted.at(i) << upper;
    }
    sql +=
        QStringLiteral(" ORDER BY w.word, w.patient_seq LIMIT ?) ORDER BY name_key, seq LIMIT ?");
    values << fetch * 4 << fetch;
    return collect(sql, values, out, false, error);
}

} // namespace openopd::registration
