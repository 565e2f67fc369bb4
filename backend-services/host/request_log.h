#pragma once

// Request ids make a command safe to repeat (docs/protocol.md, "Request ids and repeating a
// command"). A command carrying an Openopd-Request-Id is claimed in the request_log table
// inside the same savepoint as its effect, and its answer is stored in the same group commit;
// a repeat is answered with that stored answer instead of acting again. If the group rolls
// back, claim and answer vanish with the effect, so a repeat acts (once) then. A refusal
// answered without any commit stores nothing: a repeat is evaluated again.
//
// Used on the service's thread only, like its Database.

#include "bus/message.h"
#include "host/database.h"

#include <QByteArray>
#include <QDateTime>
#include <QSet>
#include <QString>
#include <chrono>
#include <memory>
#include <optional>

namespace openopd::host {

// What a stored request_log row says about an earlier request with the same id.
struct StoredAnswer
{
    QString staffId;       // who sent it ("" without a verified or named actor)
    bool answered = false; // false: claimed, its answer not (yet) stored
    int code = 0;          // 0 for a reply, else the error code it was answered with
    QByteArray body;       // the answer's payload, byte for byte
};

// One command being handled, shared by the log and the answer's sender.
struct CommandState
{
    QByteArray subject;
    QByteArray requestId;
    QString staffId;
    quint64 claimedInGroup = 0;  // Database::groupSerial() of the group holding the claim
    bool takenElsewhere = false; // the claim met a row committed meanwhile (another instance)
    std::optional<StoredAnswer> earlier; // that row, read right after
};

class RequestLog
{
public:
    // Rows are kept at least this long (the protocol promises 24 h), then swept.
    static constexpr std::chrono::hours kRetention{48};
    static constexpr int kSweepBatch = 500;

    explicit RequestLog(Database& database) : m_db(database) {}
    Q_DISABLE_COPY_MOVE(RequestLog)

    // Commands: catalog endpoints whose request names the actor ("staff"), identity's
    // account and session changes, and any subject marked here (a service's own commands).
    bool isCommand(QByteArrayView subject) const;
    void markCommand(const QByteArray& subject) { m_extraCommands.insert(subject); }

    // The row for (subject, requestId), if any. False and *error when the read failed.
    bool find(const QByteArray& subject, const QByteArray& requestId,
              std::optional<StoredAnswer>* found, QString* error);

    // The command the synchronous handler call is serving (MicroService sets it around the
    // call); savepoint() claims its id.
    std::shared_ptr<CommandState> enter(QByteArray subject, QByteArray requestId, QString staffId);
    void leave() { m_current.reset(); }

    // Database::savepoint() for a step of the group commit; when a command is current and
    // has not claimed its id in this group, the claim is inserted first, in the same
    // savepoint. If the id is taken by a committed row meanwhile, the step is undone without
    // running work and the state says so (takenElsewhere, earlier).
    Database::Step savepoint(const Database::Work& work, QString* error);

    // The command's answer is going out: stored in its claim row when that row is in the
    // group still open (an answer given after the group ended is not stored).
    void answered(CommandState& state, int code, const QByteArray& body);

    // Deletes up to `batch` rows created before cutoff (inside the caller's transaction).
    // The number deleted, or -1 and *error.
    int sweep(const QDateTime& cutoff, int batch, QString* error);

    // The headers of a stored answer as first sent (error code and text for a failure).
    static bus::Headers headersOf(int code, const QByteArray& body);
    // {"code":code,"error":message,"field":field}, as RawReplier::fail() encodes it.
    static QByteArray errorBody(int code, const QString& message, const QString& field);

private:
    Database& m_db;
    QSet<QByteArray> m_extraCommands;
    std::shared_ptr<CommandState> m_current;
};

} // namespace openopd::host
