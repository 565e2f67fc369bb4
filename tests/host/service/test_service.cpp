// openopd-test-service: a small service built on the service host, for the host's
// integration and fault tests. It stores notes; each note added emits an event through the
// outbox, and its own durable consumer records the events it sees.
//
//   test.svc.note.add  {"id","text"} -> {"id"}   (409 if the id exists; 400 names the field)
//   test.svc.counts    {}            -> {"notes","seen","seen_distinct","unsent"}
//   test.svc.fail      {}            -> always 409 "always fails"
//   event opd.events.test.note_added {"id","text"}; a note whose text is "poison" fails in
//   the consumer every time (it ends in OPD_DLQ); "dbfail" makes its handler fail on the
//   database (a statement on a missing table) every time.
//   --event-version n: the newest event schema version its consumer knows (default 1).

#include "bus/json_reader.h"
#include "bus/nats_library.h"
#include "host/host_schema.h"
#include "host/outbox.h"
#include "host/service_host.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QThread>

using namespace openopd;

namespace {

constexpr bus::Endpoint<QJsonObject, QJsonObject> kAddNote{"test.svc.note.add"};
constexpr bus::Endpoint<QJsonObject, QJsonObject> kCounts{"test.svc.counts"};
constexpr bus::Endpoint<QJsonObject, QJsonObject> kFail{"test.svc.fail"};
constexpr char kNoteAdded[] = "opd.events.test.note_added";

class TestService
{
public:
    explicit TestService(host::ServiceHost& host) : m_host(host) {}

    static void addMigrations(host::Migrations& migrations)
    {
        migrations.addPortable(
            host::kFirstServiceMigration, QStringLiteral("notes"),
            {QStringLiteral("CREATE TABLE notes (id TEXT PRIMARY KEY, text TEXT NOT NULL)"),
             QStringLiteral("CREATE TABLE seen (id {{PK}}, event_id TEXT NOT NULL,"
                            " note_id TEXT NOT NULL)")});
    }

    bool start()
    {
        // Commands: safe to repeat with an Openopd-Request-Id (the host's request log).
        m_host.requestLog().markCommand(kAddNote.subjectBytes());
        m_host.requestLog().markCommand(kFail.subjectBytes());
        auto& micro = m_host.micro();
        micro.addEndpoint(QStringLiteral("add-note"), kAddNote,
                          [this](const QJsonObject& r, bus::Replier<QJsonObject> replier) {
                              addNote(r, std::move(replier));
                          });
        micro.addEndpoint(QStringLiteral("counts"), kCounts,
                          [this](const QJsonObject&, bus::Replier<QJsonObject> replier) {
                              counts(std::move(replier));
                          });
        micro.addEndpoint(QStringLiteral("fail"), kFail,
                          [](const QJsonObject&, bus::Replier<QJsonObject> replier) {
                              replier.fail(409, QStringLiteral("always fails"));
                          });
        host::EventConsumerOptions options;
        options.durable = QByteArrayLiteral("test-seen");
        options.filterSubject = QByteArrayLiteral("opd.events.test.>");
        const auto& line = m_host.commandLine();
        auto number = [&line](const char* name, int fallback) {
            bool ok = false;
            const int value = line.value(QString::fromLatin1(name)).toInt(&ok);
            return ok ? value : fallback;
        };
        options.maxDeliver = number("max-deliver", 5);
        options.backoff = {std::chrono::milliseconds(number("backoff-ms", 1000))};
        options.knownVersion = number("event-version", options.knownVersion);
        options.newerVersionDelay = std::chrono::milliseconds(number("newer-delay-ms", 60000));
        // --ack-wait-ms is the host's own option: it overrides options.ackWait.
        m_host.addConsumer(options, [this](const bus::JsMessage& m, host::Database& db) {
            return onNoteAdded(m, db);
        });
        return true;
    }

private:
    void addNote(const QJsonObject& request, bus::Replier<QJsonObject> replier)
    {
        bus::JsonReader reader(request);
        const QString id = reader.requiredString(QStringLiteral("id"), 64);
        const QString text = reader.requiredString(QStringLiteral("text"), 1000);
        if (!reader.ok())
            return replier.fail(reader.error());
        host::Database& db = m_host.database();
        bool exists = false;
        QString error;
        const bool ok = m_host.commit(
            [&](QSqlDatabase&, QString* workError) {
                auto found =
                    db.run(QStringLiteral("SELECT 1 FROM notes WHERE id = ?"), {id}, workError);
                if (!found)
                    return false;
                if (found->next()) {
                    exists = true;
                    return false;
                }
                const QJsonObject event{{QStringLiteral("id"), id}, {QStringLiteral("text"), text}};
                return db.run(QStringLiteral("INSERT INTO notes (id, text) VALUES (?, ?)"),
                              {id, text}, workError)
                           .has_value() &&
                       host::enqueueEvent(db,
                                          {QStringLiteral("note-") + id, QByteArray(kNoteAdded),
                                           QJsonDocument(event).toJson(QJsonDocument::Compact)},
                                          workError);
            },
            &error);
        if (exists)
            return replier.fail(409, QStringLiteral("note %1 exists").arg(id),
                                QStringLiteral("id"));
        if (!ok)
            return replier.fail(503, error);
        replier.reply({{QStringLiteral("id"), id}});
    }

    void counts(bus::Replier<QJsonObject> replier)
    {
        host::Database& db = m_host.database();
        QString error;
        auto one = [&](const QString& sql) -> qint64 {
            auto query = db.run(sql, {}, &error);
            return query && query->next() ? query->value(0).toLongLong() : -1;
        };
        const QJsonObject reply{
            {QStringLiteral("notes"), one(QStringLiteral("SELECT COUNT(*) FROM notes"))},
            {QStringLiteral("seen"), one(QStringLiteral("SELECT COUNT(*) FROM seen"))},
            {QStringLiteral("seen_distinct"),
             one(QStringLiteral("SELECT COUNT(DISTINCT note_id) FROM seen"))},
            {QStringLiteral("unsent"),
             one(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"))}};
        if (!error.isEmpty())
            return replier.fail(503, error);
        replier.reply(reply);
    }

    host::HandlerResult onNoteAdded(const bus::JsMessage& message, host::Database& db)
    {
        auto note = bus::parseJsonObject(message.message.data);
        if (!note)
            return host::HandlerResult::fail(note.error().toString());
        const QString id = note->value(QStringLiteral("id")).toString();
        QString error;
        if (!db.run(QStringLiteral("INSERT INTO seen (event_id, note_id) VALUES (?, ?)"),
                    {host::eventIdOf(message), id}, &error))
            return host::HandlerResult::retry(error);
        if (note->value(QStringLiteral("text")).toString() == QStringLiteral("dbfail") &&
            !db.run(QStringLiteral("INSERT INTO no_such_table (id) VALUES (?)"), {id}, &error))
            return host::HandlerResult::retry(error);
        // A slow handler: a backlog batch of these outlasts a short ack wait.
        if (note->value(QStringLiteral("text")).toString() == QStringLiteral("slow"))
            QThread::msleep(250);
        // Written first on purpose: a failed event's writes must be undone with it.
        if (note->value(QStringLiteral("text")).toString() == QStringLiteral("poison"))
            return host::HandlerResult::fail(QStringLiteral("poison note %1").arg(id));
        return host::HandlerResult::done();
    }

    host::ServiceHost& m_host;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    host::ServiceHost host(
        {QStringLiteral("test-svc"),
         QStringLiteral("1.0.0"),
         QStringLiteral("Notes, for the service host's tests"),
         {},
         {QCommandLineOption(QStringLiteral("max-deliver"), QStringLiteral("Attempts."),
                             QStringLiteral("n"), QStringLiteral("5")),
          QCommandLineOption(QStringLiteral("backoff-ms"), QStringLiteral("Retry delay."),
                             QStringLiteral("ms"), QStringLiteral("1000")),
          QCommandLineOption(QStringLiteral("event-version"),
                             QStringLiteral("Newest event version known."), QStringLiteral("n")),
          QCommandLineOption(QStringLiteral("newer-delay-ms"),
                             QStringLiteral("Redelivery delay of a newer event."),
                             QStringLiteral("ms"))},
         {}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    TestService service(host);
    return host.run(&TestService::addMigrations, [&] { return service.start(); });
}
