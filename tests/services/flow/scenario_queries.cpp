#include "scenario_queries.h"

#include "flow_support.h"
#include "micro_shapes.h"
#include "opd_cluster.h"
#include "protocol/catalog.h"

#include <QDebug>
#include <QJsonArray>
#include <QSet>

namespace openopd::testing::flow {

using namespace openopd::protocol;

QStringList visitStates(const Visit& visit)
{
    QStringList list;
    for (const VisitTransition& t : visit.history)
        list << toWire(t.state);
    return list;
}

std::optional<Visit> registrationVisit(bus::Connection& client, const QString& visitId)
{
    auto reply = call(client, kGetVisit, GetVisitRequest{visitId});
    if (!reply)
        return std::nullopt;
    return reply->visit;
}

bool registrationReaches(bus::Connection& client, const QString& visitId, VisitState state,
                         int timeoutMs)
{
    std::optional<Visit> last;
    const bool reached = poll(
        [&] {
            last = registrationVisit(client, visitId);
            return last && last->state == state;
        },
        timeoutMs);
    if (!reached)
        qWarning().noquote() << "registration: visit" << visitId << "is"
                             << (last ? visitStates(*last).join(u'>') : QStringLiteral("?"))
                             << "- expected" << toWire(state);
    return reached;
}

std::optional<QueueEntry> queueEntry(bus::Connection& client, const QString& queue,
                                     const QString& visitId, bool* ok)
{
    DoctorQueueRequest request;
    request.queue = queue;
    auto reply = call(client, kDoctorQueue, request);
    if (ok)
        *ok = reply.ok();
    if (!reply)
        return std::nullopt;
    for (const QueueEntry& entry : reply->entries)
        if (entry.visitId == visitId)
            return entry;
    return std::nullopt;
}

DrugStock stockOf(bus::Connection& client, const QString& drugCode)
{
    StockListRequest request;
    request.query = drugCode;
    request.limit = 1000;
    DrugStock stock;
    auto reply = call(client, kStockList, request);
    if (!reply)
        return stock;
    for (const StockItem& item : reply->items) {
        if (item.drugCode != drugCode)
            continue;
        stock.code = item.drugCode;
        stock.name = item.drugName;
        if (item.expiry > clinicToday()) {
            stock.batches.insert(item.batch, item.quantity);
            stock.expiry.insert(item.batch, item.expiry);
            stock.total += item.quantity;
        }
    }
    return stock;
}

QList<AuditRecord> auditOfPatient(bus::Connection& client, const QString& patientId)
{
    AuditQueryRequest request;
    request.patientId = patientId;
    request.limit = 1000;
    auto reply = call(client, kAuditQuery, request);
    return reply ? reply->records : QList<AuditRecord>{};
}

std::optional<LabOrder> pendingLabOrder(bus::Connection& lab, const QString& consultationId)
{
    auto list = call(lab, kPendingLabOrders, PendingLabOrdersRequest{});
    if (list)
        for (const LabOrder& order : list->orders)
            if (order.consultationId == consultationId)
                return order;
    return std::nullopt;
}

std::optional<PendingRelease> pendingRelease(bus::Connection& client, const QString& visitId)
{
    auto list = call(client, kPendingReleases, PendingReleasesRequest{});
    if (list)
        for (const PendingRelease& release : list->releases)
            if (release.visitId == visitId)
                return release;
    return std::nullopt;
}

QString missingInOrder(const QStringList& seen, const QStringList& expected)
{
    qsizetype at = 0;
    for (const QString& state : expected) {
        at = seen.indexOf(state, at);
        if (at < 0)
            return state;
    }
    return {};
}

namespace {

template <class T> QString differs(const char* what, const T& actual, const T& expected)
{
    QString text;
    QDebug(&text).nospace() << what << ": got " << actual << ", expected " << expected;
    return text;
}

// INFO/STATS of one service: exactly the catalog's endpoints, queue group "q".
QString checkEndpoints(const QString& service, const QJsonObject& answer, bool requireTraffic)
{
    QSet<QString> expected;
    for (const EndpointInfo& e : endpointCatalog())
        if (e.service == service)
            expected.insert(QString::fromLatin1(e.subject));
    if (expected.isEmpty())
        return QStringLiteral("the catalog has no endpoint for ") + service;
    QSet<QString> listed;
    qint64 requests = 0;
    for (const QJsonValue& value : answer.value(QStringLiteral("endpoints")).toArray()) {
        const QJsonObject endpoint = value.toObject();
        const QString subject = endpoint.value(QStringLiteral("subject")).toString();
        listed.insert(subject);
        if (endpoint.value(QStringLiteral("queue_group")).toString() != QStringLiteral("q"))
            return service + QStringLiteral(": queue group of ") + subject +
                   QStringLiteral(" is not q");
        requests += endpoint.value(QStringLiteral("num_requests")).toInteger();
    }
    if (listed != expected)
        return service + QStringLiteral(": ") + differs("endpoints", listed, expected);
    if (requireTraffic && requests == 0)
        return service + QStringLiteral(": STATS shows no request");
    return {};
}

} // namespace

QString drugWithUnexpiredStock(bus::Connection& pharmacist, int atLeast)
{
    StockListRequest stockRequest;
    stockRequest.limit = 1000;
    auto stock = call(pharmacist, kStockList, stockRequest);
    if (!stock)
        return {};
    QHash<QString, int> totals;
    for (const StockItem& item : stock->items)
        if (item.expiry > clinicToday().addDays(30))
            totals[item.drugCode] += item.quantity;
    for (const StockItem& item : stock->items)
        if (totals.value(item.drugCode) >= atLeast && item.reorderLevel < 100000)
            return item.drugCode;
    return {};
}

ConsultationContent pharyngitisConsultation(const QString& complaint, const DrugStock& drug,
                                            int quantity)
{
    ConsultationContent c;
    c.complaint = complaint;
    Vitals vitals;
    vitals.temperatureC = 38.4;
    vitals.pulseBpm = 96;
    vitals.respiratoryRate = 18;
    vitals.systolicMmHg = 128;
    vitals.diastolicMmHg = 82;
    vitals.spo2Percent = 98;
    vitals.weightKg = 64.5;
    vitals.heightCm = 168;
    c.vitals = vitals;
    c.diagnoses = {Diagnosis{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")}};
    c.notes = QStringLiteral("Tonsils enlarged with exudate. No rash.");
    PrescriptionLine line;
    line.drugCode = drug.code;
    line.drugName = drug.name;
    line.dose = QStringLiteral("1 unit");
    line.route = QStringLiteral("oral");
    line.frequency = QStringLiteral("3 times a day");
    line.durationDays = 5;
    line.quantity = quantity;
    c.prescriptions = {line};
    LabOrderLine lab;
    lab.testCode = QStringLiteral("FBC");
    lab.testName = QStringLiteral("Full blood count");
    lab.specimen = QStringLiteral("blood (EDTA)");
    lab.urgent = true;
    c.labOrders = {lab};
    c.disposition = Disposition::ToPharmacy;
    return c;
}

QStringList checkPatientAudit(const QList<AuditRecord>& records, const QString& patientId,
                              const QHash<QString, QString>& once,
                              const QHash<QString, QString>& reads)
{
    QStringList problems;
    QHash<QString, int> bySubject;
    QSet<QString> eventIds;
    for (const AuditRecord& record : records) {
        ++bySubject[record.subject];
        eventIds.insert(record.eventId);
        if (record.patientId != patientId)
            problems
                << QStringLiteral("%1 is about patient %2").arg(record.subject, record.patientId);
        const QString& expected = once.contains(record.subject) ? once.value(record.subject)
                                                                : reads.value(record.subject);
        if (!expected.isEmpty() && record.actor.id != expected)
            problems << QStringLiteral("%1 names %2, expected %3")
                            .arg(record.subject, record.actor.id, expected);
    }
    for (auto it = once.cbegin(); it != once.cend(); ++it)
        if (bySubject.value(it.key()) != 1)
            problems << QStringLiteral("%1 audited %2 times")
                            .arg(it.key())
                            .arg(bySubject.value(it.key()));
    for (auto it = reads.cbegin(); it != reads.cend(); ++it)
        if (bySubject.value(it.key()) < 1)
            problems << QStringLiteral("no %1 audited").arg(it.key());
    if (eventIds.size() != records.size())
        problems
            << QStringLiteral("%1 records for %2 events").arg(records.size()).arg(eventIds.size());
    return problems;
}

QString checkDiscovery(bus::Connection& client, const QByteArray& verb, bool requireTraffic,
                       const QStringList& services)
{
    QList<QByteArray> raw;
    const QList<QJsonObject> all = gather(client, "$SRV." + verb, 1000, &raw);
    QSet<QString> names;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QString problem = checkShape(QString::fromLatin1(verb), raw.at(i), all.at(i));
        if (!problem.isEmpty())
            return problem;
        names.insert(all.at(i).value(QStringLiteral("name")).toString());
    }
    const QSet<QString> expectedNames(services.cbegin(), services.cend());
    if (names != expectedNames)
        return differs("services answering", names, expectedNames);
    if (all.size() != services.size())
        return differs("answers", all.size(), services.size());

    for (const QString& service : services) {
        const QList<QJsonObject> one = gather(client, "$SRV." + verb + '.' + service.toUtf8());
        if (one.size() != 1)
            return service + QStringLiteral(": ") + differs("answers", one.size(), qsizetype(1));
        if (verb == "PING")
            continue;
        const QString problem =
            checkEndpoints(service, one.at(0), requireTraffic && verb == "STATS");
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

} // namespace openopd::testing::flow
