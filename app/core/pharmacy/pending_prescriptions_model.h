#pragma once

// The pharmacy's work list (issue 11): every prescription still to dispense, kept live from
// the bus without polling. A bus::LiveList fetches opd.pharmacy.prescription.pending and
// applies opd.events.list.prescriptions_changed (docs/protocol.md, "Work-list events"): an
// event replaces the rows of its visit. An event older than the last one applied for that
// visit (a publish retried late) is skipped, as the protocol asks. The list fetches again
// after every reconnect.
//
// The token is not part of a pending prescription: the model reads it once per visit with
// opd.registration.visit.get (a pharmacist may) and shows it when it arrives.
//
// Rows are ordered as they reached the pharmacy: prescribed_at, then consultation id. The
// list is short (at most 200 from the endpoint), so changes are plain list edits.
// Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/live_list.h"
#include "protocol/pharmacy.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QSet>

namespace openopd::app {

class PendingPrescriptionsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PatientColumn, TokenColumn, DoctorColumn, WhenColumn, LinesColumn, ColumnCount };
    enum Role {
        ConsultationIdRole = Qt::UserRole + 1, // QString
        VisitIdRole,                           // QString
    };

    // Live: starts fetching at once (or when the connection is up).
    explicit PendingPrescriptionsModel(bus::Connection& connection, QObject* parent = nullptr);
    // Detached: rows only through resetPrescriptions/upsertPrescription/removePrescription (tests).
    explicit PendingPrescriptionsModel(QObject* parent = nullptr);
    ~PendingPrescriptionsModel() override;
    Q_DISABLE_COPY_MOVE(PendingPrescriptionsModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const protocol::PendingPrescription& prescriptionAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString& consultationId) const;
    // The first row of a patient's name (exact), or -1.
    int rowOfPatient(const QString& patientName) const;
    // The visit's token once read, else 0.
    int tokenOf(const QString& visitId) const { return m_tokens.value(visitId); }

    bool isCurrent() const;
    bool isLoading() const;
    // The endpoint left prescriptions out (more than 200 pending).
    bool isTruncated() const { return m_truncated; }
    bus::BusError lastError() const { return m_error; }
    // Snapshots applied so far (a test tells a live update from a fetch by it).
    int snapshotsApplied() const;
    void refresh();

    void resetPrescriptions(const QList<protocol::PendingPrescription>& rows);
    void upsertPrescription(const protocol::PendingPrescription& row);
    void removePrescription(const QString& consultationId);

    // "Paracetamol 500 mg tablet 24; Amoxicillin 500 mg capsule 15 (5 given)".
    static QString linesText(const protocol::PendingPrescription& prescription);

Q_SIGNALS:
    void currentChanged(bool current);
    void loadingChanged(bool loading);
    void errorOccurred(const openopd::bus::BusError& error);

private:
    static bool before(const protocol::PendingPrescription& a,
                       const protocol::PendingPrescription& b);
    void startLive(bus::Connection& connection);
    void lookUpToken(const QString& visitId);
    void updateLoading();

    QList<protocol::PendingPrescription> m_rows;
    QPointer<bus::LiveList<protocol::PendingPrescription>> m_live;
    QPointer<bus::Connection> m_connection;
    QHash<QString, QDateTime> m_lastEventAt; // visit id -> occurred_at of the last event applied
    QHash<QString, int> m_tokens;            // visit id -> token
    QSet<QString> m_tokenAsked;
    bus::BusError m_error;
    bool m_truncated = false;
    bool m_loading = false;
};

} // namespace openopd::app
