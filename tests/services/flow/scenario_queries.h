#pragma once

// What the book scenario asks each service about its one visit (tests/services/flow):
// registration's view of the visit, the doctor's queue entry, a drug's stock, the audit
// records of the patient, and the $SRV discovery check of all five services.

#include "bus/connection.h"
#include "protocol/endpoints.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace openopd::testing::flow {

struct DrugStock
{
    QString code;
    QString name;
    QHash<QString, int> batches; // unexpired batch -> quantity
    QHash<QString, QDate> expiry;
    int total = 0;
};

// The visit's states in order, from its history.
QStringList visitStates(const protocol::Visit& visit);

std::optional<protocol::Visit> registrationVisit(bus::Connection& client, const QString& visitId);

// Waits until registration reports the visit in state; warns with the states seen if not.
bool registrationReaches(bus::Connection& client, const QString& visitId,
                         protocol::VisitState state, int timeoutMs);

// The visit's entry in the doctor's queue (ok: the queue request itself succeeded).
std::optional<protocol::QueueEntry> queueEntry(bus::Connection& client, const QString& queue,
                                               const QString& visitId, bool* ok = nullptr);

// The consultation's order on the lab's pending list, if it is there (one read).
std::optional<protocol::LabOrder> pendingLabOrder(bus::Connection& lab,
                                                  const QString& consultationId);
// The visit on the discharge service's pending releases, if it is there (one read).
std::optional<protocol::PendingRelease> pendingRelease(bus::Connection& client,
                                                       const QString& visitId);
// The first of expected (in that order) that seen lacks after the ones before it; empty when
// seen has them all in order (other states may come between).
QString missingInOrder(const QStringList& seen, const QStringList& expected);

// The drug's unexpired batches from the pharmacy's stock list.
DrugStock stockOf(bus::Connection& client, const QString& drugCode);

QList<protocol::AuditRecord> auditOfPatient(bus::Connection& client, const QString& patientId);

// The code of a drug whose unexpired stock (expiring after 30 days) is at least atLeast, by
// the stock list; empty when none (or the list fails).
QString drugWithUnexpiredStock(bus::Connection& pharmacist, int atLeast);

// The scenario's consultation: vitals, acute pharyngitis, `quantity` units of drug for 5 days
// and an urgent full blood count; to the pharmacy.
protocol::ConsultationContent pharyngitisConsultation(const QString& complaint,
                                                      const DrugStock& drug, int quantity);

// A patient's audit records: each about that patient, every event id once, each subject of
// `once` exactly once by its actor, each subject of `reads` at least once and only by its
// reader. The problems found (empty: none).
QStringList checkPatientAudit(const QList<protocol::AuditRecord>& records, const QString& patientId,
                              const QHash<QString, QString>& once,
                              const QHash<QString, QString>& reads);

// $SRV.<verb> (PING, INFO or STATS) to all and to each of the five services: every answer
// has the ADR-32 shape, each service answers once, INFO/STATS list exactly the endpoints the
// protocol catalog assigns to it (queue group "q"); with requireTraffic, STATS must show
// requests on every service. Empty when all holds, else the first problem.
QString checkDiscovery(bus::Connection& client, const QByteArray& verb, bool requireTraffic,
                       const QStringList& services);

} // namespace openopd::testing::flow
