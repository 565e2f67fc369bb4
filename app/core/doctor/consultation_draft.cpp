#include "core/doctor/consultation_draft.h"

#include "protocol/json_fields.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

namespace openopd::app {

namespace {

struct DraftText
{
    Q_DECLARE_TR_FUNCTIONS(ConsultationDraft)
};

const QStringList kVitalKeys = {QStringLiteral("temperature"),      QStringLiteral("pulse"),
                                QStringLiteral("respiratory_rate"), QStringLiteral("systolic"),
                                QStringLiteral("diastolic"),        QStringLiteral("spo2"),
                                QStringLiteral("weight"),           QStringLiteral("height")};

template <class T> QList<T> readList(const QJsonValue& value)
{
    QList<T> items;
    for (const QJsonValue& item : value.toArray()) {
        auto decoded = T::fromJson(item.toObject());
        if (decoded)
            items.append(decoded.value());
    }
    return items;
}

// A visit id names the file: only letters, digits and '-' (UUIDs) are allowed.
bool safeFileName(const QString& name)
{
    return !name.isEmpty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](QChar c) {
               return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                      (c >= u'0' && c <= u'9') || c == u'-';
           });
}

} // namespace

QJsonObject ConsultationDraft::toJson() const
{
    const QStringList vitals = {temperature, pulse, respiratoryRate, systolic,
                                diastolic,   spo2,  weight,          height};
    QJsonObject vitalsObject;
    for (int i = 0; i < kVitalKeys.size(); ++i)
        vitalsObject.insert(kVitalKeys.at(i), vitals.at(i));
    return {{QStringLiteral("visit_id"), visitId},
            {QStringLiteral("patient_id"), patientId},
            {QStringLiteral("patient_name"), patientName},
            {QStringLiteral("vitals"), vitalsObject},
            {QStringLiteral("diagnosis"), diagnosis},
            {QStringLiteral("icd10"), icd10},
            {QStringLiteral("notes"), notes},
            {QStringLiteral("prescriptions"), protocol::json::toArray(prescriptions)},
            {QStringLiteral("lab_orders"), protocol::json::toArray(labOrders)},
            {QStringLiteral("disposition"), protocol::toWire(disposition)},
            {QStringLiteral("referral_to"), referralTo},
            {QStringLiteral("release_without_results"), releaseWithoutResults},
            {QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs)}};
}

std::optional<ConsultationDraft> ConsultationDraft::fromJson(const QJsonObject& object)
{
    ConsultationDraft draft;
    draft.visitId = object.value(QStringLiteral("visit_id")).toString();
    if (draft.visitId.isEmpty())
        return std::nullopt;
    draft.patientId = object.value(QStringLiteral("patient_id")).toString();
    draft.patientName = object.value(QStringLiteral("patient_name")).toString();
    const QJsonObject vitals = object.value(QStringLiteral("vitals")).toObject();
    QString* fields[] = {&draft.temperature, &draft.pulse, &draft.respiratoryRate, &draft.systolic,
                         &draft.diastolic,   &draft.spo2,  &draft.weight,          &draft.height};
    for (int i = 0; i < kVitalKeys.size(); ++i)
        *fields[i] = vitals.value(kVitalKeys.at(i)).toString();
    draft.diagnosis = object.value(QStringLiteral("diagnosis")).toString();
    draft.icd10 = object.value(QStringLiteral("icd10")).toString();
    draft.notes = object.value(QStringLiteral("notes")).toString();
    draft.prescriptions =
        readList<protocol::PrescriptionLine>(object.value(QStringLiteral("prescriptions")));
    draft.labOrders = readList<protocol::LabOrderLine>(object.value(QStringLiteral("lab_orders")));
    draft.disposition = protocol::enumFromWire<protocol::Disposition>(
                            object.value(QStringLiteral("disposition")).toString())
                            .value_or(protocol::Disposition::Discharge);
    draft.referralTo = object.value(QStringLiteral("referral_to")).toString();
    draft.releaseWithoutResults = object.value(QStringLiteral("release_without_results")).toBool();
    draft.updatedAt = QDateTime::fromString(object.value(QStringLiteral("updated_at")).toString(),
                                            Qt::ISODateWithMs);
    return draft;
}

DraftStore::DraftStore(const QString& staffId, const QString& directory, QObject* parent)
    : QObject(parent)
{
    // Staff ids may hold characters a file name cannot: the folder is the id in hex.
    const QString root = directory.isEmpty() ? defaultDirectory() : directory;
    m_directory = QDir(root).filePath(QString::fromLatin1(staffId.toUtf8().toHex()));
    m_pool.setMaxThreadCount(1); // in the order asked
}

DraftStore::~DraftStore()
{
    m_pool.waitForDone(); // the last draft of a closing app reaches the disk
}

QString DraftStore::defaultDirectory()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("drafts"));
}

QString DraftStore::pathFor(const QString& visitId) const
{
    if (!safeFileName(visitId))
        return {};
    return QDir(m_directory).filePath(visitId + QStringLiteral(".json"));
}

void DraftStore::finishOne()
{
    --m_pending;
}

void DraftStore::save(const ConsultationDraft& draft)
{
    const QString path = pathFor(draft.visitId);
    if (path.isEmpty())
        return;
    // Encoded here (cheap), written there.
    const QByteArray bytes = QJsonDocument(draft.toJson()).toJson(QJsonDocument::Compact);
    const QString directory = m_directory;
    const QString visitId = draft.visitId;
    ++m_pending;
    m_pool.start([this, bytes, path, directory, visitId] {
        QString error;
        QSaveFile file(path);
        // Clinical notes: readable by this user only (the folder and the file).
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        if (!QDir().mkpath(directory) ||
            !QFile::setPermissions(directory, ownerOnly | QFileDevice::ExeOwner))
            error = DraftText::tr("Could not create the folder %1.").arg(directory);
        else if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(ownerOnly) ||
                 file.write(bytes) != bytes.size() || !file.commit())
            error =
                DraftText::tr("Could not save the draft to %1: %2").arg(path, file.errorString());
        QMetaObject::invokeMethod(
            this,
            [this, visitId, error] {
                finishOne();
                Q_EMIT saved(visitId, error);
            },
            Qt::QueuedConnection);
    });
}

void DraftStore::remove(const QString& visitId)
{
    const QString path = pathFor(visitId);
    if (path.isEmpty())
        return;
    ++m_pending;
    m_pool.start([this, path, visitId] {
        QFile::remove(path);
        QMetaObject::invokeMethod(
            this,
            [this, visitId] {
                finishOne();
                Q_EMIT removed(visitId);
            },
            Qt::QueuedConnection);
    });
}

void DraftStore::load(const QString& visitId)
{
    const QString path = pathFor(visitId);
    ++m_pending;
    m_pool.start([this, path, visitId] {
        std::optional<ConsultationDraft> draft;
        QString error;
        QFile file(path);
        if (!path.isEmpty() && file.exists()) {
            if (!file.open(QIODevice::ReadOnly)) {
                error =
                    DraftText::tr("Could not read the draft %1: %2").arg(path, file.errorString());
            } else {
                const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
                draft = ConsultationDraft::fromJson(document.object());
                if (!draft || draft->visitId != visitId) {
                    draft.reset();
                    error = DraftText::tr("The draft %1 could not be read.").arg(path);
                }
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, visitId, draft, error] {
                finishOne();
                Q_EMIT loaded(visitId, draft, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace openopd::app
