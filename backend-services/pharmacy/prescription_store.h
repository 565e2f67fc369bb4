#pragma once

// Prescriptions taken from visit.consulted, their lines and their dispenses (tables
// prescriptions, prescription_lines, dispenses), and the visits closed by visit.discharged
// (closed_visits). Write methods run inside the caller's transaction.

#include "pharmacy/sql_values.h"
#include "protocol/consultation.h"
#include "protocol/discharge.h"
#include "protocol/pharmacy_api.h"

#include <optional>

namespace openopd::pharmacy {

// prescriptions.state
inline constexpr char kPrescriptionOpen[] = "open";         // something left to dispense
inline constexpr char kPrescriptionComplete[] = "complete"; // every line dispensed in full
inline constexpr char kPrescriptionClosed[] = "closed";     // the visit ended first

struct StoredPrescription
{
    protocol::PendingPrescription prescription;
    QString state;
};

class PrescriptionStore
{
public:
    explicit PrescriptionStore(host::Database& db) : m_db(db) {}

    // The prescription of a consultation (nothing when it has no prescription lines). A
    // consultation already known is left as it is (*inserted false): idempotent. closed: the
    // visit was already discharged (events arrived out of order), so nothing is pending.
    bool addFromConsultation(const protocol::Consultation& consultation, const QString& eventId,
                             const QDateTime& now, bool closed, bool* inserted, QString* error);
    bool pending(int limit, protocol::PendingPrescriptionsReply* reply, QString* error);
    bool load(const QString& consultationId, std::optional<StoredPrescription>* stored,
              QString* error);
    // The dispenses of a prescription, oldest first, at most limit.
    bool dispensesOf(const QString& consultationId, int limit, QList<protocol::Dispense>* dispenses,
                     QString* error);
    // The visit's open prescriptions (its rows of the pending list), oldest first.
    bool openOfVisit(const QString& visitId, QList<protocol::PendingPrescription>* rows,
                     QString* error);

    // Adds to a line's dispensed quantity; 409 if that would pass the prescribed quantity.
    bool addDispensed(const QString& consultationId, int line, int quantity, QString* error,
                      bool* applied);
    // True when some line still misses part of its quantity.
    bool hasRemainder(const QString& consultationId, bool* remainder, QString* error);
    // Stores the dispense; a prescription with nothing left becomes complete.
    bool recordDispense(const protocol::Dispense& dispense, QString* error);

    // visit.discharged: the visit's open prescriptions are closed (no longer pending).
    // Remembers the visit so that a late visit.consulted for it is stored closed.
    bool closeVisit(const protocol::Discharge& discharge, const QString& eventId,
                    const QDateTime& now, QString* error);
    bool isVisitClosed(const QString& visitId, bool* closed, QString* error);

private:
    bool loadLines(const QString& consultationId, QList<protocol::PendingPrescriptionLine>* lines,
                   QString* error);

    host::Database& m_db;
};

} // namespace openopd::pharmacy
