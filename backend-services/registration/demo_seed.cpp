#include "demo_seed.h"

#include "demo_people.h"
#include "endpoint_support.h"
#include "patient_store.h"

#include <QElapsedTimer>
#include <QUuid>

namespace openopd::registration {
namespace {

using protocol::Patient;

const QUuid kDemoNamespace(QStringLiteral("6f1c2a3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b"));

QString demoPatientId(int index)
{
    return QUuid::createUuidV5(kDemoNamespace, QStringLiteral("demo-patient-%1").arg(index))
        .toString(QUuid::WithoutBraces);
}

bool seedStaff(host::Database& db, const QDateTime& now, QString* error)
{
    for (const DemoStaff& staff : demoStaff()) {
        const protocol::StaffRef ref = staffRef(staff);
        if (!db.run(
                QStringLiteral("INSERT INTO staff (id, name, role, created_at)"
                               " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
                {ref.id, ref.name, protocol::toWire(ref.role), host::SqlDialect::utcTimestamp(now)},
                error))
            return false;
    }
    return true;
}

} // namespace

bool seedDemo(host::ServiceHost& host)
{
    host::Database& db = host.database();
    const QList<DemoStaff> staff = demoStaff();
    int added = 0;
    QString error;
    const bool ok = host.commit(
        [&](QSqlDatabase&, QString* workError) {
            const QDateTime now = protocol::nowUtc();
            if (!seedStaff(db, now, workError))
                return false;
            PatientStore store(db);
            for (int i = 0; i < kDemoPatients; ++i) {
                Patient patient;
                patient.id = demoPatientId(i);
                std::optional<Patient> existing;
                if (!store.byId(patient.id, &existing, workError))
                    return false;
                if (existing)
                    continue;
                // Registered by the two receptionists in turn, a few minutes apart.
                const protocol::StaffRef by = staffRef(staff.at(i % 2));
                patient.details = demoPerson(i, false);
                patient.registeredAt = now.addSecs(-60LL * (kDemoPatients - i));
                patient.registeredBy = by;
                patient.updatedAt = patient.registeredAt;
                patient.updatedBy = by;
                if (!store.nextMrn(&patient.mrn, workError) || !store.insert(patient, workError) ||
                    !enqueue(db, protocol::kPatientRegistered, patient, by, patient.registeredAt,
                             workError))
                    return false;
                ++added;
            }
            return true;
        },
        &error);
    if (!ok) {
        qCritical().noquote() << "--seed-demo failed:" << error;
        return false;
    }
    qInfo().noquote() << "--seed-demo: added" << added << "demo patients and" << staff.size()
                      << "staff (existing ones kept)";
    return true;
}

bool generatePatients(host::Database& db, qint64 target)
{
    PatientStore store(db);
    qint64 existing = 0;
    QString error;
    if (!db.transaction(
            [&](QSqlDatabase&, QString* workError) {
                return store.countSynthetic(&existing, workError);
            },
            &error)) {
        qCritical().noquote() << "--generate-patients failed:" << error;
        return false;
    }
    const protocol::StaffRef generator{QStringLiteral("generator"),
                                       QStringLiteral("Synthetic patient generator"),
                                       protocol::StaffRole::System};
    // A bulk load touches index pages all over (random UUIDs): give SQLite a larger page cache
    // while it runs (the default is 2 MB).
    const bool sqlite = db.driver() == host::Driver::Sqlite;
    QString pragmaError; // a failed cache setting only costs speed
    if (sqlite)
        db.run(QStringLiteral("PRAGMA cache_size = -262144"), {}, &pragmaError);
    QElapsedTimer timer;
    timer.start();
    const qint64 start = existing;
    while (existing < target) {
        const qint64 batch = qMin<qint64>(kGenerateBatch, target - existing);
        const bool ok = db.transaction(
            [&](QSqlDatabase&, QString* workError) {
                qint64 firstMrn = 0;
                if (!store.reserveMrnNumbers(batch, &firstMrn, workError))
                    return false;
                PatientWriter writer(db);
                const QDateTime now = protocol::nowUtc();
                for (qint64 i = 0; i < batch; ++i) {
                    Patient patient;
                    patient.id = protocol::newId();
                    patient.mrn = formatMrn(firstMrn + i);
                    patient.details = demoPerson(existing + i, true);
                    patient.registeredAt = now;
                    patient.registeredBy = generator;
                    patient.updatedAt = now;
                    patient.updatedBy = generator;
                    if (!writer.insert(patient, true, workError))
                        return false;
                }
                return store.addSynthetic(batch, workError);
            },
            &error);
        if (!ok) {
            qCritical().noquote() << "--generate-patients failed after" << existing
                                  << "patients:" << error;
            return false;
        }
        existing += batch;
        if (existing % 100000 == 0 || existing == target)
            qInfo().noquote() << "--generate-patients:" << existing << "of" << target << "after"
                              << timer.elapsed() << "ms";
    }
    if (sqlite)
        db.run(QStringLiteral("PRAGMA cache_size = -2000"), {}, &pragmaError);
    qInfo().noquote() << "--generate-patients: added" << (existing - start)
                      << "synthetic patients in" << timer.elapsed() << "ms; total" << existing;
    return true;
}

} // namespace openopd::registration
