#include "consultation/consultation_service.h"

#include "consultation/consultation_text.h"
#include "consultation/queue_events.h"
#include "host/outbox.h"
#include "protocol/errors.h"
#include "protocol/events.h"
#include "protocol/limits.h"

#include <QDebug>

namespace openopd::consultation {

using protocol::StaffRef;
using protocol::VisitState;
namespace errors = protocol::errors;

ConsultationService::ConsultationService(host::ServiceHost& host) : m_host(host), m_consumers(host)
{}

QDate ConsultationService::clinicDay()
{
    return QDate::currentDate();
}

QString ConsultationService::unavailable(const QString& error)
{
    qWarning().noquote() << "database:" << error;
    return Text::tr("the consultation database is unavailable; try again");
}

bool ConsultationService::start()
{
    host::MicroService& micro = m_host.micro();
    const auto name = [](const auto& endpoint) {
        return protocol::serviceEndpointName(QByteArrayView(endpoint.subject));
    };
    bool ok = micro.addEndpoint(
        name(protocol::kDoctorQueue), protocol::kDoctorQueue,
        [this](const auto& request, auto replier) { listQueue(request, std::move(replier)); });
    ok = ok && micro.addEndpoint(name(protocol::kCallNext), protocol::kCallNext,
                                 [this](const auto& request, auto replier) {
                                     callNext(request, std::move(replier));
                                 });
    ok = ok && micro.addEndpoint(name(protocol::kCallVisit), protocol::kCallVisit,
                                 [this](const auto& request, auto replier) {
                                     callVisit(request, std::move(replier));
                                 });
    ok = ok && micro.addEndpoint(name(protocol::kStartConsultation), protocol::kStartConsultation,
                                 [this](const auto& request, auto replier) {
                                     startConsultation(request, std::move(replier));
                                 });
    ok = ok && micro.addEndpoint(name(protocol::kSaveConsultation), protocol::kSaveConsultation,
                                 [this](const auto& request, auto replier) {
                                     saveConsultation(request, std::move(replier));
                                 });
    ok = ok && micro.addEndpoint(name(protocol::kPatientHistory), protocol::kPatientHistory,
                                 [this](const protocol::PatientHistoryRequest& request,
                                        const host::Caller& caller,
                                        bus::Replier<protocol::PatientHistoryReply> replier) {
                                     patientHistory(request, caller, std::move(replier));
                                 });
    ok = ok && micro.addEndpoint(name(protocol::kResultsToReview), protocol::kResultsToReview,
                                 [this](const auto& request, auto replier) {
                                     resultsToReview(request, std::move(replier));
                                 });
    ok = ok && micro.addEndpoint(name(protocol::kMarkResultReviewed), protocol::kMarkResultReviewed,
                                 [this](const auto& request, auto replier) {
                                     markResultReviewed(request, std::move(replier));
                                 });
    if (!ok)
        return false;
    m_consumers.start();
    return true;
}

void ConsultationService::listQueue(const protocol::DoctorQueueRequest& request,
                                    bus::Replier<protocol::DoctorQueueReply> replier)
{
    protocol::DoctorQueueReply reply;
    QString error;
    if (!store().listQueue(request.queue, clinicDay(), request.includeCalled,
                           static_cast<int>(protocol::limits::kMaxListItems), &reply.entries,
                           &error))
        return replier.fail(errors::kUnavailable, unavailable(error));
    replier.reply(reply);
}

void ConsultationService::callNext(const protocol::CallNextRequest& request,
                                   bus::Replier<protocol::CallNextReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    std::optional<VisitRecord> called;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            if (!store().callNext(request.queue, clinicDay(), request.staff, request.room, now,
                                  &called, workError))
                return false;
            if (!called)
                return true; // nobody waiting: nothing written
            return enqueue(m_host.database(), protocol::kVisitCalled,
                           statusChange(called->entry, VisitState::Called, now), request.staff, now,
                           workError) &&
                   announceQueueChange(m_host.database(), called->entry.visitId,
                                       protocol::ListChangeKind::Updated, request.staff, now,
                                       workError);
        },
        &error);
    if (!ok)
        return replier.fail(errors::kUnavailable, unavailable(error));
    protocol::CallNextReply reply;
    if (called)
        reply.entry = called->entry;
    replier.reply(reply);
}

ConsultationService::Refusal
ConsultationService::refuseStart(const std::optional<VisitRecord>& record, const StaffRef& staff)
{
    if (!record)
        return {errors::kNotFound, Text::tr("no visit with this id is in the doctor's queue"),
                QStringLiteral("visit_id")};
    const protocol::QueueEntry& entry = record->entry;
    switch (entry.state) {
    case VisitState::Registered:
        return {errors::kConflict,
                Text::tr("the visit is waiting and has not been called yet; "
                         "call it first"),
                {}};
    case VisitState::Called:
        if (record->calledById == staff.id)
            return {};
        return {errors::kConflict,
                Text::tr("the visit was called by %1, not by you").arg(staffName(entry.calledBy)),
                {}};
    case VisitState::InConsultation:
        return {errors::kConflict,
                Text::tr("the consultation has already started (by %1)")
                    .arg(staffName(record->startedBy)),
                {}};
    case VisitState::Consulted:
        return {errors::kConflict, Text::tr("the consultation of this visit is already saved"), {}};
    default:
        return {errors::kConflict,
                Text::tr("the visit is closed (%1)").arg(protocol::toWire(entry.state)),
                {}};
    }
}

void ConsultationService::startConsultation(const protocol::StartConsultationRequest& request,
                                            bus::Replier<protocol::QueueEntryReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    Refusal refusal;
    std::optional<VisitRecord> record;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            if (!store().findVisit(request.visitId, &record, workError))
                return false;
            refusal = refuseStart(record, request.staff);
            if (refusal.code != 0)
                return false;
            bool changed = false;
            if (!store().markStarted(request.visitId, request.staff, now, &changed, workError))
                return false;
            if (!changed) { // another instance moved it meanwhile: explain its new state
                if (!store().findVisit(request.visitId, &record, workError))
                    return false;
                refusal = refuseStart(record, request.staff);
                if (refusal.code == 0)
                    refusal = {errors::kConflict, Text::tr("the visit changed meanwhile"), {}};
                return false;
            }
            if (!store().findVisit(request.visitId, &record, workError) || !record)
                return false;
            return enqueue(m_host.database(), protocol::kVisitConsultationStarted,
                           statusChange(record->entry, VisitState::InConsultation, now),
                           request.staff, now, workError) &&
                   announceQueueChange(m_host.database(), request.visitId,
                                       protocol::ListChangeKind::Updated, request.staff, now,
                                       workError);
        },
        &error);
    if (refusal.code != 0)
        return replier.fail(refusal.code, refusal.message, refusal.field);
    if (!ok)
        return replier.fail(errors::kUnavailable, unavailable(error));
    replier.reply({record->entry});
}

ConsultationService::Refusal
ConsultationService::refuseSave(const std::optional<VisitRecord>& record, const StaffRef& staff)
{
    if (!record)
        return {errors::kNotFound, Text::tr("no visit with this id is in the doctor's queue"),
                QStringLiteral("visit_id")};
    const protocol::QueueEntry& entry = record->entry;
    switch (entry.state) {
    case VisitState::Registered:
        return {errors::kConflict,
                Text::tr("the visit is waiting and has not been called yet; call it first"),
                {}};
    case VisitState::Called:
    case VisitState::InConsultation:
        if (record->calledById == staff.id)
            return {};
        return {
            errors::kConflict,
            Text::tr("the visit is in the hands of %1, not yours").arg(staffName(entry.calledBy)),
            {}};
    case VisitState::Consulted:
        return {errors::kConflict,
                Text::tr("the consultation of this visit is already saved (consultation %1); "
                         "another is saved only when the visit comes back with lab results")
                    .arg(record->consultationId),
                {}};
    default:
        return {errors::kConflict,
                Text::tr("the visit is closed (%1)").arg(protocol::toWire(entry.state)),
                {}};
    }
}

void ConsultationService::saveConsultation(const protocol::SaveConsultationRequest& request,
                                           bus::Replier<protocol::ConsultationReply> replier)
{
    protocol::Consultation consultation;
    consultation.id = protocol::newId();
    consultation.visitId = request.visitId;
    consultation.doctor = request.staff;
    consultation.savedAt = protocol::nowUtc();
    consultation.content = request.consultation;
    Refusal refusal;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            std::optional<VisitRecord> record;
            if (!store().findVisit(request.visitId, &record, workError))
                return false;
            refusal = refuseSave(record, request.staff);
            if (refusal.code != 0)
                return false;
            consultation.patientId = record->entry.patientId;
            consultation.patientName = record->entry.patientName;
            if (consultation.content.complaint.isEmpty())
                consultation.content.complaint = record->entry.complaint;
            bool saved = false;
            if (!store().saveConsultation(consultation, &saved, workError))
                return false;
            if (!saved) {
                if (!store().findVisit(request.visitId, &record, workError))
                    return false;
                refusal = refuseSave(record, request.staff);
                if (refusal.code == 0)
                    refusal = {errors::kConflict, Text::tr("the visit changed meanwhile"), {}};
                return false;
            }
            return enqueue(m_host.database(), protocol::kVisitConsulted, consultation,
                           request.staff, consultation.savedAt, workError) &&
                   announceQueueChange(m_host.database(), request.visitId,
                                       protocol::ListChangeKind::Removed, request.staff,
                                       consultation.savedAt, workError);
        },
        &error);
    if (refusal.code != 0)
        return replier.fail(refusal.code, refusal.message, refusal.field);
    if (!ok)
        return replier.fail(errors::kUnavailable, unavailable(error));
    replier.reply({consultation});
}

} // namespace openopd::consultation
