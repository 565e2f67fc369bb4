#pragma once

// SQL of the consultation service, prepared statements with bound values only. Every
// function runs on the service thread; the writing ones are meant to run inside one
// Database::transaction (ServiceHost::commit or a consumer's handler), together with the
// outbox event that announces the change. Functions return false with *error when the
// database fails; "not found" and "not allowed" are values, not failures.

#include "host/database.h"
#include "protocol/consultation_api.h"
#include "protocol/lab.h"
#include "protocol/validation.h"
#include "protocol/visit.h"

#include <optional>

namespace openopd::consultation {

// A visit as this service knows it: the queue entry (its state may be any visit state this
// service tracks: registered, called, in_consultation, consulted, or a closing state) plus
// who started the consultation and the consultation saved for it.
struct VisitRecord
{
    protocol::QueueEntry entry;
    QString calledById; // empty until called
    QDateTime startedAt;
    std::optional<protocol::StaffRef> startedBy;
    QString consultationId; // the latest consultation saved for the visit
    QString closedReason;
    QString reviewDoctorId; // came back with results for this doctor (entry.reviewOf)
    QDateTime dispensedAt;  // from visit.dispensed
};

// A consultation saved here, as the lab-progress rules need it.
struct SavedConsultation
{
    protocol::Consultation consultation;
    int round = 1;
};

// A visit that another service closed: cancelled, left unseen, discharged / admitted /
// referred.
struct VisitClosure
{
    QString visitId;
    protocol::VisitState state = protocol::VisitState::Cancelled;
    QDateTime at;
    protocol::StaffRef by;
    QString reason;
};

// One stored consultation, still encoded (the history reply budgets its size).
struct StoredConsultation
{
    QString id;
    QDateTime savedAt;
    QByteArray body; // Consultation JSON
};

class ConsultationStore
{
public:
    explicit ConsultationStore(host::Database& db) : m_db(db) {}
    host::Database& database() const { return m_db; }

    // --- from events (consumers) --------------------------------------------------------
    // Adds a visit in state registered, unless it is known already (a repeated or late
    // event: nothing changes) or was closed before its registration arrived (*added empty).
    // *added: the row as stored (as findVisit() would read it back).
    bool addRegisteredVisit(const protocol::Visit& visit, const protocol::StaffRef& by,
                            const QDateTime& occurredAt, const QString& eventId,
                            std::optional<VisitRecord>* added, QString* error);
    // Remembers the closure (first one wins) and takes the visit out of the queue if it is
    // still registered, called or in consultation there (*changed).
    bool closeVisit(const VisitClosure& closure, const QString& eventId, bool* changed,
                    QString* error);
    // Stores (or replaces, when the lab re-enters it) the result of one lab order.
    bool storeLabResult(const protocol::LabResult& result, const QString& eventId, QString* error);
    // Remembers the first dispense of the visit (visit.dispensed).
    bool markDispensed(const QString& visitId, const QDateTime& at, QString* error);

    // --- lab results back to the ordering doctor (results_store.cpp) ----------------------
    bool findConsultation(const QString& consultationId, std::optional<SavedConsultation>* found,
                          QString* error);
    // Inserts or replaces (a newer result of the same order) the doctor's row; a replaced
    // result is to be reviewed again. *changed false for an older or repeated result.
    bool upsertResultToReview(const protocol::ResultToReview& row, bool* changed, QString* error);
    // The visit's results not yet reviewed (the rows of list.results_changed).
    bool unreviewedOfVisit(const QString& visitId, QList<protocol::ResultToReview>* rows,
                           QString* error);
    // The doctor's results, unreviewed (and with includeReviewed, those reviewed since
    // reviewedSince), oldest result first; at most limit.
    bool resultsOfDoctor(const QString& doctorId, bool includeReviewed,
                         const QDateTime& reviewedSince, int limit,
                         QList<protocol::ResultToReview>* rows, QString* error);
    bool findResultToReview(const QString& orderId, std::optional<protocol::ResultToReview>* row,
                            QString* error);
    // Sets reviewed_at / reviewed_by unless set already (*changed).
    bool markReviewed(const QString& orderId, const protocol::StaffRef& by, const QDateTime& at,
                      bool* changed, QString* error);
    // How many of the consultation's order lines have a result.
    bool resultedLines(const QString& consultationId, int* lines, QString* error);
    // The visit was closed by another service (cancelled, left unseen, discharged ...).
    bool isClosed(const QString& visitId, bool* closed, QString* error);
    // Claims the "results are in" announcement of consultationId for the visit (once).
    bool claimResultsIn(const QString& visitId, const QString& consultationId, bool* claimed,
                        QString* error);
    // consulted -> registered again, in the queue of the consultation's doctor (review_of);
    // *changed false when the visit is not consulted with that consultation any more.
    bool reenterForReview(const QString& visitId, const QString& consultationId,
                          const QString& doctorId, const QDateTime& at, bool* changed,
                          QString* error);

    // --- the doctor's work ----------------------------------------------------------------
    bool findVisit(const QString& visitId, std::optional<VisitRecord>* record, QString* error);
    // The first registered visit of day (in queue, when not empty) by priority then token,
    // made "called" by doctor; *called stays empty when nobody waits. Atomic: on SQLite the
    // transaction holds the write lock (BEGIN IMMEDIATE); on PostgreSQL the candidate row is
    // locked with FOR UPDATE SKIP LOCKED and the update is conditional on state =
    // 'registered', retried with the next candidate if another instance won.
    // A visit back with results for another doctor (review_doctor_id) is not called next.
    bool callNext(const QString& queue, QDate day, const protocol::StaffRef& doctor,
                  const QString& room, const QDateTime& at, std::optional<VisitRecord>* called,
                  QString* error);
    // "Call this one": the registered visit visitId of day made "called" by doctor;
    // *changed false when it was not waiting (any more) or is of another day. One
    // conditional UPDATE, so two doctors calling the same visit never both win.
    bool callVisit(const QString& visitId, QDate day, const protocol::StaffRef& doctor,
                   const QString& room, const QDateTime& at, bool* changed, QString* error);
    // called (by doctor) -> in_consultation; *changed false when the row was not in that
    // state any more (the caller re-reads to explain why).
    bool markStarted(const QString& visitId, const protocol::StaffRef& doctor, const QDateTime& at,
                     bool* changed, QString* error);
    // Inserts the consultation and moves the visit (called or in consultation by the same
    // doctor) to consulted; *saved false when it was not in that state any more.
    bool saveConsultation(const protocol::Consultation& consultation, bool* saved, QString* error);

    // --- reads ------------------------------------------------------------------------------
    // Visits of day (one queue or all), registered and, with includeCalled, called and in
    // consultation; by priority, token, registration time; at most limit.
    bool listQueue(const QString& queue, QDate day, bool includeCalled, int limit,
                   QList<protocol::QueueEntry>* entries, QString* error);
    // A patient's consultations, newest first, saved before `before` when it is valid; at
    // most limit.
    bool listConsultations(const QString& patientId, const QDateTime& before, int limit,
                           QList<StoredConsultation>* rows, QString* error);
    // The lab results of one consultation by line, at most limit.
    bool labResultsOf(const QString& consultationId, int limit, QList<protocol::LabResult>* results,
                      QString* error);

private:
    bool conditionalUpdate(const QString& sql, const QVariantList& values, bool* changed,
                           QString* error);

    host::Database& m_db;
};

} // namespace openopd::consultation
