// The end checks of the fault run: every service's lists, the stream's counts per subject,
// the dead-letter stream and the audit log against what the run did.

#include "fault_run.h"
#include "flow_support.h"
#include "service/jetstream_probe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace openopd::testing {

using namespace protocol;
using flow::call;
using flow::callMany;
using flow::streamMessages;
using flow::subjectCounts;

namespace {

QString subject(const char* s)
{
    return QString::fromLatin1(s);
}

} // namespace

int usableStock(bus::Connection& client, const QString& drugCode)
{
    StockListRequest request;
    request.query = drugCode;
    request.limit = 1000;
    auto reply = call(client, kStockList, request);
    if (!reply)
        return -1;
    int total = 0;
    for (const StockItem& item : reply->items)
        if (item.drugCode == drugCode && item.expiry > flow::clinicToday())
            total += item.quantity;
    return total;
}

bool prepareFaultDay(StaffDesk& desk, bus::Connection& observer, FaultRunSettings& settings,
                     FaultBaseline& baseline, QString* error)
{
    StockListRequest stockRequest;
    stockRequest.limit = 1000;
    auto stock = call(desk, kStockList, stockRequest);
    if (!stock) {
        *error = stock.error().toString();
        return false;
    }
    QHash<QString, int> totals;
    for (const StockItem& item : stock->items)
        if (item.expiry > flow::clinicToday().addDays(30)) {
            totals[item.drugCode] += item.quantity;
            if (totals[item.drugCode] > totals.value(settings.drugCode)) {
                settings.drugCode = item.drugCode;
                settings.drugName = item.drugName;
            }
        }
    if (totals.value(settings.drugCode) <= settings.visits / settings.pharmacyEvery) {
        *error = QStringLiteral("not enough stock for the pharmacy visits");
        return false;
    }
    baseline.stock = usableStock(desk.as(StaffRole::Pharmacist), settings.drugCode);
    baseline.subjects = subjectCounts(observer);
    return true;
}

QStringList checkNothingLostOrDuplicated(StaffDesk& desk, bus::Connection& observer,
                                         const FaultRunSettings& settings, const FaultRunResult& r,
                                         const FaultBaseline& baseline)
{
    const qsizetype n = r.visits.size();
    const int pharmacy = r.pharmacyVisits(settings);
    QStringList problems;

    // registration: each visit once, discharged; one visit per patient.
    QHash<QString, int> visitSeen;
    QHash<QString, int> patientSeen;
    qsizetype listed = 0;
    for (const QString& queue : settings.queues) {
        WaitingListRequest request;
        request.queue = queue;
        request.includeClosed = true;
        auto list = call(desk, kWaitingList, request);
        if (!list) {
            problems << QStringLiteral("registration: waiting list of %1: %2")
                            .arg(queue, list.error().toString());
            continue;
        }
        listed += list->visits.size();
        for (const Visit& visit : list->visits) {
            ++visitSeen[visit.id];
            ++patientSeen[visit.patientId];
            if (visit.state != VisitState::Discharged)
                problems << QStringLiteral("registration: visit %1 is %2")
                                .arg(visit.id, toWire(visit.state));
        }
    }
    if (listed != n)
        problems << QStringLiteral("registration lists %1 visits, expected %2").arg(listed).arg(n);
    for (auto it = r.visits.cbegin(); it != r.visits.cend(); ++it)
        if (visitSeen.value(it.value()) != 1)
            problems << QStringLiteral("registration lists visit %1 (#%2) %3 times")
                            .arg(it.value())
                            .arg(it.key())
                            .arg(visitSeen.value(it.value()));
    for (auto it = patientSeen.cbegin(); it != patientSeen.cend(); ++it)
        if (it.value() != 1)
            problems << QStringLiteral("patient %1 has %2 visits").arg(it.key()).arg(it.value());

    // registration: each patient once (found by national id).
    QList<SearchPatientsRequest> searches;
    QList<int> indexes = r.patients.keys();
    std::sort(indexes.begin(), indexes.end());
    for (int i : std::as_const(indexes))
        searches.append(
            {FaultRun::nationalId(settings.seed, i), PatientSearchField::NationalId, 5});
    const auto found =
        callMany(desk.forSubject(kSearchPatients.subjectBytes()), kSearchPatients, searches);
    for (qsizetype k = 0; k < found.size(); ++k) {
        const int i = indexes.at(k);
        if (!found.at(k) || !found.at(k)->ok())
            problems << QStringLiteral("search patient #%1 failed").arg(i);
        else if (found.at(k)->value().patients.size() != 1 ||
                 found.at(k)->value().patients.at(0).id != r.patients.value(i))
            problems << QStringLiteral("patient #%1 found %2 times")
                            .arg(i)
                            .arg(found.at(k)->value().patients.size());
    }

    // consultation: nobody waiting, exactly one consultation per patient, for its visit.
    for (const QString& queue : settings.queues) {
        auto waitingNow = call(desk, kDoctorQueue, DoctorQueueRequest{queue, true});
        if (!waitingNow || !waitingNow->entries.isEmpty())
            problems << QStringLiteral("consultation: %1 still queued in %2")
                            .arg(waitingNow ? waitingNow->entries.size() : -1)
                            .arg(queue);
    }
    QList<PatientHistoryRequest> histories;
    for (int i : std::as_const(indexes))
        histories.append({r.patients.value(i), 50, {}});
    const auto history =
        callMany(desk.forSubject(kPatientHistory.subjectBytes()), kPatientHistory, histories);
    for (qsizetype k = 0; k < history.size(); ++k) {
        const int i = indexes.at(k);
        if (!history.at(k) || !history.at(k)->ok()) {
            problems << QStringLiteral("history of patient #%1 failed").arg(i);
            continue;
        }
        const auto& entries = history.at(k)->value().entries;
        if (entries.size() != 1 || entries.at(0).consultation.visitId != r.visits.value(i))
            problems
                << QStringLiteral("patient #%1 has %2 consultations").arg(i).arg(entries.size());
    }

    // pharmacy: nothing pending, the stock went down by exactly one unit per visit.
    auto pendingRx = call(desk, kPendingPrescriptions, PendingPrescriptionsRequest{200});
    if (!pendingRx || !pendingRx->prescriptions.isEmpty())
        problems << QStringLiteral("pharmacy: prescriptions still pending");
    const int stockAfter = usableStock(desk.as(StaffRole::Pharmacist), settings.drugCode);
    if (stockAfter != baseline.stock - pharmacy)
        problems << QStringLiteral("pharmacy: %1 stock %2 -> %3, expected -%4")
                        .arg(settings.drugCode)
                        .arg(baseline.stock)
                        .arg(stockAfter)
                        .arg(pharmacy);

    // discharge: nothing pending.
    auto releases = call(desk, kPendingReleases, PendingReleasesRequest{1000});
    if (!releases || !releases->releases.isEmpty())
        problems << QStringLiteral("discharge: %1 releases still pending")
                        .arg(releases ? releases->releases.size() : -1);

    // OPD_EVENTS: each event once per visit (the stream drops re-published ids).
    const QHash<QString, qint64> after = subjectCounts(observer);
    const QList<std::pair<const char*, qint64>> expected{
        {kPatientRegistered.subject, n}, {kVisitRegistered.subject, n},
        {kVisitCalled.subject, n},       {kVisitConsultationStarted.subject, n},
        {kVisitConsulted.subject, n},    {kVisitDispensed.subject, pharmacy},
        {kVisitDischarged.subject, n}};
    for (const auto& [name, count] : expected) {
        const qint64 delta = after.value(subject(name)) - baseline.subjects.value(subject(name));
        if (delta != count)
            problems << QStringLiteral("OPD_EVENTS: %1 x%2, expected %3")
                            .arg(subject(name))
                            .arg(delta)
                            .arg(count);
    }
    const qint64 deadLetters = streamMessages(observer, QStringLiteral("OPD_DLQ"));
    if (deadLetters != 0)
        problems << QStringLiteral("OPD_DLQ holds %1 events").arg(deadLetters);

    // audit: one record per event, per visit, and the chain verifies.
    QList<AuditQueryRequest> audits;
    for (int i : std::as_const(indexes)) {
        AuditQueryRequest request;
        request.patientId = r.patients.value(i);
        request.limit = 100;
        audits.append(request);
    }
    const QStringList memberList = desk.memberIds();
    const QSet<QString> members(memberList.cbegin(), memberList.cend());
    const auto audited = callMany(desk.forSubject(kAuditQuery.subjectBytes()), kAuditQuery, audits);
    for (qsizetype k = 0; k < audited.size(); ++k) {
        const int i = indexes.at(k);
        if (!audited.at(k) || !audited.at(k)->ok()) {
            problems << QStringLiteral("audit query of patient #%1 failed").arg(i);
            continue;
        }
        const auto& records = audited.at(k)->value().records;
        const qsizetype want = 6 + (i % settings.pharmacyEvery == 0 ? 1 : 0);
        QSet<QString> ids;
        QSet<QString> subjects;
        for (const AuditRecord& record : records) {
            if (record.subject.endsWith(QStringLiteral("_viewed")))
                continue; // reads are audited too; a retried read adds one
            ids.insert(record.eventId);
            subjects.insert(record.subject);
            // Each change is attributed to the signed-in member who sent it.
            if (!members.contains(record.actor.id))
                problems << QStringLiteral("audit: %1 of patient #%2 names %3, who is not "
                                           "signed in on the desk")
                                .arg(record.subject)
                                .arg(i)
                                .arg(record.actor.id);
        }
        if (ids.size() != want || subjects.size() != want)
            problems << QStringLiteral("audit: patient #%1 has %2 records (%3 events, %4 "
                                       "subjects), expected %5")
                            .arg(i)
                            .arg(ids.size())
                            .arg(ids.size())
                            .arg(subjects.size())
                            .arg(want);
    }
    auto verified = call(desk, kAuditVerify, AuditVerifyRequest{});
    const qint64 events = flow::auditedEvents(observer);
    if (!verified || !verified->intact || verified->headSeq != events)
        problems << QStringLiteral("audit: verify %1, head %2, stream %3 events")
                        .arg(verified
                                 ? (verified->intact ? QStringLiteral("intact") : verified->reason)
                                 : verified.error().toString())
                        .arg(verified ? verified->headSeq : -1)
                        .arg(events);
    return problems;
}

namespace {

QJsonObject clusterOf(const QJsonObject& streamInfo)
{
    return streamInfo.value(QStringLiteral("cluster")).toObject();
}

} // namespace

QStringList checkReplicasAgree(bus::Connection& observer, int replicas, int* leaders)
{
    QStringList problems;
    for (const QByteArray& stream : {QByteArray(kEventStream), QByteArray("OPD_DLQ")}) {
        QJsonObject info;
        // Right after the run a replica may still be catching up: wait, bounded.
        const bool current = flow::poll(
            [&] {
                info = jetStreamQuery(observer, "STREAM.INFO." + stream);
                const QJsonArray followers =
                    clusterOf(info).value(QStringLiteral("replicas")).toArray();
                if (followers.size() != replicas - 1)
                    return false;
                for (const QJsonValue& follower : followers)
                    if (!follower.toObject().value(QStringLiteral("current")).toBool())
                        return false;
                return true;
            },
            60000, 250);
        const int configured = info.value(QStringLiteral("config"))
                                   .toObject()
                                   .value(QStringLiteral("num_replicas"))
                                   .toInt();
        if (configured != replicas || !current)
            problems << QStringLiteral("%1: %2 replicas configured, expected %3; followers %4")
                            .arg(QString::fromLatin1(stream))
                            .arg(configured)
                            .arg(replicas)
                            .arg(QString::fromUtf8(
                                QJsonDocument(clusterOf(info)).toJson(QJsonDocument::Compact)));
    }
    const auto leaderNow = [&] {
        return clusterOf(jetStreamQuery(observer, QByteArray("STREAM.INFO.") + kEventStream))
            .value(QStringLiteral("leader"))
            .toString();
    };
    const QHash<QString, qint64> first = subjectCounts(observer);
    QString leader = leaderNow();
    QSet<QString> led{leader};
    for (int attempt = 0; attempt < 12 && led.size() < replicas; ++attempt) {
        jetStreamQuery(observer, QByteArray("STREAM.LEADER.STEPDOWN.") + kEventStream);
        QString next;
        if (!flow::poll(
                [&] {
                    next = leaderNow();
                    return !next.isEmpty() && next != leader;
                },
                30000, 200)) {
            problems
                << QStringLiteral("OPD_EVENTS: no new leader after %1 stepped down").arg(leader);
            break;
        }
        leader = next;
        led.insert(leader);
        const QHash<QString, qint64> counts = subjectCounts(observer);
        if (counts != first)
            problems << QStringLiteral("OPD_EVENTS: replica %1 holds other counts per subject "
                                       "(%2 subjects, %3 before)")
                            .arg(leader)
                            .arg(counts.size())
                            .arg(first.size());
    }
    if (leaders)
        *leaders = static_cast<int>(led.size());
    return problems;
}

} // namespace openopd::testing
