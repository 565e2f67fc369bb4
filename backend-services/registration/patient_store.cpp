#include "patient_store.h"

#include "host/sql_dialect.h"
#include "registration_text.h"
#include "search_keys.h"

#include <QJsonDocument>

namespace openopd::registration {
namespace {

using protocol::Patient;

constexpr char kMrnCounter[] = "mrn";
constexpr char kSyntheticCounter[] = "synthetic_patients";
constexpr int kMaxMrnAttempts = 10000;

const QString kInsertSql = QStringLiteral(
    "INSERT INTO patients (id, mrn, mrn_key, full_name, name_key, date_of_birth,"
    " national_id_key, phone_key, revision, synthetic, doc, registered_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
const QString kWordSql = QStringLiteral(
    "INSERT INTO patient_words (word, patient_seq) VALUES (?, ?) ON CONFLICT DO NOTHING");

QVariant textOrNull(const QString& text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QString date(const QDate& day)
{
    return day.toString(Qt::ISODate);
}

// PostgreSQL: the name's words for prefix search (SQLite has FTS5 for it).
bool writeWords(host::Database& db, qint64 seq, const QString& key, QString* error)
{
    for (const QString& word : nameWords(key, 64))
        if (!db.run(kWordSql, {word, seq}, error))
            return false;
    return true;
}

} // namespace

QString formatMrn(qint64 number)
{
    return QStringLiteral("MRN-%1").arg(number, 6, 10, QLatin1Char('0'));
}

QString patientDoc(const Patient& patient)
{
    return QString::fromUtf8(QJsonDocument(patient.toJson()).toJson(QJsonDocument::Compact));
}

bool patientFromDoc(const QString& doc, Patient* patient, QString* error)
{
    auto decoded = Patient::fromJson(QJsonDocument::fromJson(doc.toUtf8()).object());
    if (!decoded) {
        *error = Text::tr("a stored patient cannot be read: %1").arg(decoded.error().toString());
        return false;
    }
    *patient = std::move(decoded).value();
    return true;
}

bool readPatients(QSqlQuery& query, int docColumn, QList<Patient>* patients, QString* error)
{
    while (query.next()) {
        Patient patient;
        if (!patientFromDoc(query.value(docColumn).toString(), &patient, error))
            return false;
        patients->append(std::move(patient));
    }
    return true;
}

PatientWriter::PatientWriter(host::Database& db) : m_db(db) {}

bool PatientWriter::insert(const Patient& patient, bool synthetic, QString* error)
{
    const protocol::PatientDetails& d = patient.details;
    const QString key = nameKey(d.fullName);
    const QVariantList values{patient.id,
                              patient.mrn,
                              mrnKey(patient.mrn),
                              d.fullName,
                              key,
                              date(d.dateOfBirth),
                              textOrNull(nationalIdKey(d.nationalId)),
                              textOrNull(phoneKey(d.phone)),
                              patient.revision,
                              synthetic ? 1 : 0,
                              patientDoc(patient),
                              host::SqlDialect::utcTimestamp(patient.registeredAt),
                              host::SqlDialect::utcTimestamp(patient.updatedAt)};
    qint64 seq = 0;
    {
        // From the statement cache (SQLite): prepared once per process, not per request.
        auto inserted = m_db.run(kInsertSql, values, error);
        if (!inserted)
            return false;
        if (!inserted->next()) {
            *error = Text::tr("inserting patient %1 returned no row").arg(patient.id);
            return false;
        }
        seq = inserted->value(0).toLongLong();
    }
    if (m_db.driver() != host::Driver::Postgres)
        return true; // the FTS5 triggers index the name
    return writeWords(m_db, seq, key, error);
}

bool PatientStore::one(const QString& sql, const QVariantList& values,
                       std::optional<Patient>* patient, QString* error)
{
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    patient->reset();
    if (!query->next())
        return true;
    Patient found;
    if (!patientFromDoc(query->value(0).toString(), &found, error))
        return false;
    *patient = std::move(found);
    return true;
}

bool PatientStore::byId(const QString& id, std::optional<Patient>* patient, QString* error)
{
    return one(QStringLiteral("SELECT doc FROM patients WHERE id = ?"), {id}, patient, error);
}

bool PatientStore::nameById(const QString& id, QString* fullName, QString* error)
{
    fullName->clear();
    auto query =
        m_db.run(QStringLiteral("SELECT full_name FROM patients WHERE id = ?"), {id}, error);
    if (!query)
        return false;
    if (query->next())
        *fullName = query->value(0).toString();
    return true;
}

bool PatientStore::byMrn(const QString& mrn, std::optional<Patient>* patient, QString* error)
{
    return one(QStringLiteral("SELECT doc FROM patients WHERE mrn_key = ?"), {mrnKey(mrn)}, patient,
               error);
}

bool PatientStore::byNationalId(const QString& nationalId, std::optional<Patient>* patient,
                                QString* error)
{
    const QString key = nationalIdKey(nationalId);
    if (key.isEmpty()) {
        patient->reset();
        return true;
    }
    return one(QStringLiteral("SELECT doc FROM patients WHERE national_id_key = ?"), {key}, patient,
               error);
}

bool PatientStore::duplicates(const protocol::PatientDetails& details, bool withNameMatches,
                              int limit, QList<Patient>* found, QString* error)
{
    found->clear();
    std::optional<Patient> sameId;
    if (!details.nationalId.isEmpty() && !byNationalId(details.nationalId, &sameId, error))
        return false;
    if (sameId)
        found->append(*sameId);
    if (!withNameMatches || found->size() >= limit)
        return true;
    auto query = m_db.run(QStringLiteral("SELECT doc FROM patients WHERE name_key = ? AND"
                                         " date_of_birth = ? ORDER BY seq LIMIT ?"),
                          {nameKey(details.fullName), date(details.dateOfBirth), limit}, error);
    QList<Patient> sameName;
    if (!query || !readPatients(*query, 0, &sameName, error))
        return false;
    for (Patient& patient : sameName)
        if (found->size() < limit && (!sameId || sameId->id != patient.id))
            found->append(std::move(patient));
    return true;
}

bool PatientStore::mrnTaken(const QString& mrn, bool* taken, QString* error)
{
    auto query =
        m_db.run(QStringLiteral("SELECT 1 FROM patients WHERE mrn_key = ?"), {mrnKey(mrn)}, error);
    if (!query)
        return false;
    *taken = query->next();
    return true;
}

bool PatientStore::addToCounter(const QString& name, qint64 delta, qint64* value, QString* error)
{
    auto query = m_db.run(
        QStringLiteral("INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name)"
                       " DO UPDATE SET value = counters.value + ? RETURNING value"),
        {name, delta, delta}, error);
    if (!query)
        return false;
    if (!query->next()) {
        *error = Text::tr("the counter %1 did not return a value").arg(name);
        return false;
    }
    *value = query->value(0).toLongLong();
    return true;
}

bool PatientStore::reserveMrnNumbers(qint64 count, qint64* first, QString* error)
{
    qint64 last = 0;
    if (!addToCounter(QString::fromLatin1(kMrnCounter), count, &last, error))
        return false;
    *first = last - count + 1;
    return true;
}

bool PatientStore::nextMrn(QString* mrn, QString* error)
{
    for (int attempt = 0; attempt < kMaxMrnAttempts; ++attempt) {
        qint64 number = 0;
        bool taken = false;
        if (!reserveMrnNumbers(1, &number, error) || !mrnTaken(formatMrn(number), &taken, error))
            return false;
        if (!taken) {
            *mrn = formatMrn(number);
            return true;
        }
    }
    *error = Text::tr("no free medical record number found");
    return false;
}

bool PatientStore::insert(const Patient& patient, QString* error)
{
    PatientWriter writer(m_db);
    return writer.insert(patient, false, error);
}

bool PatientStore::update(const Patient& patient, bool* lostRace, QString* error)
{
    *lostRace = false;
    const protocol::PatientDetails& d = patient.details;
    const QString key = nameKey(d.fullName);
    // PostgreSQL re-checks the revision on the row a concurrent writer committed.
    auto query = m_db.run(
        QStringLiteral("UPDATE patients SET full_name = ?, name_key = ?, date_of_birth = ?,"
                       " national_id_key = ?, phone_key = ?, revision = ?, doc = ?,"
                       " updated_at = ? WHERE id = ? AND revision = ? RETURNING seq"),
        {d.fullName, key, date(d.dateOfBirth), textOrNull(nationalIdKey(d.nationalId)),
         textOrNull(phoneKey(d.phone)), patient.revision, patientDoc(patient),
         host::SqlDialect::utcTimestamp(patient.updatedAt), patient.id, patient.revision - 1},
        error);
    if (!query)
        return false;
    if (!query->next()) {
        *lostRace = true;
        return true;
    }
    const qint64 seq = query->value(0).toLongLong();
    query->finish();
    if (m_db.driver() != host::Driver::Postgres)
        return true;
    if (!m_db.run(QStringLiteral("DELETE FROM patient_words WHERE patient_seq = ?"), {seq}, error))
        return false;
    return writeWords(m_db, seq, key, error);
}

bool PatientStore::countSynthetic(qint64* count, QString* error)
{
    return addToCounter(QString::fromLatin1(kSyntheticCounter), 0, count, error);
}

bool PatientStore::addSynthetic(qint64 added, QString* error)
{
    qint64 total = 0;
    return addToCounter(QString::fromLatin1(kSyntheticCounter), added, &total, error);
}

} // namespace openopd::registration
