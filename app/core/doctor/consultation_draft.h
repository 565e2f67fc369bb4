#pragma once

// What the doctor has typed for one visit and not saved yet, kept on disk so that nothing is
// lost when a save fails or the app is closed (issue 11). One JSON file per (user, visit)
// under the user's app data directory: <dir>/<staff id, hex>/<visit id>.json.
//
// Threading: DraftStore lives on the GUI thread; every read, write and delete runs on its own
// one-thread QThreadPool, in the order asked (a delete after a write deletes it), and reports
// back by a queued call. The pool is waited for when the store is destroyed, so the last
// write of a closing app reaches the disk (docs/threading.md).

#include "protocol/clinical.h"
#include "protocol/enums.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QThreadPool>
#include <optional>

namespace openopd::app {

struct ConsultationDraft
{
    QString visitId;
    QString patientId;
    QString patientName;
    // Vitals as typed (checked when saving, not when typing).
    QString temperature, pulse, respiratoryRate, systolic, diastolic, spo2, weight, height;
    QString diagnosis;
    QString icd10;
    QString notes;
    QList<protocol::PrescriptionLine> prescriptions;
    QList<protocol::LabOrderLine> labOrders;
    protocol::Disposition disposition = protocol::Disposition::Discharge;
    QString referralTo;
    bool releaseWithoutResults = false;
    QDateTime updatedAt;

    bool operator==(const ConsultationDraft&) const = default;
    QJsonObject toJson() const;
    static std::optional<ConsultationDraft> fromJson(const QJsonObject& object);
};

class DraftStore final : public QObject
{
    Q_OBJECT
public:
    // directory empty: defaultDirectory().
    DraftStore(const QString& staffId, const QString& directory = {}, QObject* parent = nullptr);
    ~DraftStore() override;
    Q_DISABLE_COPY_MOVE(DraftStore)

    // <AppDataLocation>/drafts
    static QString defaultDirectory();
    QString pathFor(const QString& visitId) const;

    void save(const ConsultationDraft& draft);
    void remove(const QString& visitId);
    void load(const QString& visitId);
    // Reads, writes or deletes not yet reported back.
    int pending() const { return m_pending; }

Q_SIGNALS:
    void saved(const QString& visitId, const QString& error); // error translated, empty: ok
    void removed(const QString& visitId);
    // draft empty when there is none (or it could not be read: error says why).
    void loaded(const QString& visitId, const std::optional<openopd::app::ConsultationDraft>& draft,
                const QString& error);

private:
    void finishOne();

    QString m_directory; // this user's folder
    QThreadPool m_pool;
    int m_pending = 0;
};

} // namespace openopd::app
