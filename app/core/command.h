#pragma once

// One user action that changes state (docs/protocol.md, "Request ids and repeating a
// command"). It is sent once, with a fresh request id, and never sent again by itself.
//
// When its outcome is unknown (the request timed out, the connection closed while it was
// pending, or a 503 says "outcome":"unknown"), the command runs the read the caller gave it
// (docs/protocol.md, "Which read shows a command's outcome") and reports what the read found:
// - Done: the command took effect; the read's detail replaces the answer that was lost.
// - NotDone: it did not; the user may repeat it (repeat(): the same request id, so even a
//   late first attempt is not done twice).
// - Unknown: the read failed too; the user may check again. Repeating is not offered until a
//   read has shown that the command did not take effect.
//
// Threading: lives on the connection's thread (the GUI thread); never blocks it.

#include "bus/connection.h"
#include "bus/request_handle.h"

#include <QObject>
#include <QPointer>
#include <functional>

namespace openopd::app {

struct OutcomeCheck
{
    enum class Verdict { Done, NotDone, Unknown };
    Verdict verdict = Verdict::Unknown;
    QString detail;      // translated, for the user ("Token 12 is open for Ana Silva")
    QByteArray readBody; // the read's reply, for the caller to show instead of the answer
};

// Reads whether the command took effect and calls done once (not at all once context is
// destroyed). The read's requests use context as their parent.
using OutcomeReader = std::function<void(bus::Connection& connection, QObject* context,
                                         std::function<void(OutcomeCheck)> done)>;

class Command final : public QObject
{
    Q_OBJECT
public:
    enum class Phase {
        Idle,
        Sending,
        Succeeded,
        Failed,   // definitely not done (refused, not delivered, nothing saved)
        Checking, // the outcome was unknown; reading
        Checked,  // see lastCheck()
    };
    Q_ENUM(Phase)

    Command(bus::Connection& connection, QByteArray subject, QByteArray body, OutcomeReader reader,
            QObject* parent = nullptr);
    ~Command() override;
    Q_DISABLE_COPY_MOVE(Command)

    // How long to wait for the answer (default 5 s); set before start().
    void setTimeout(std::chrono::milliseconds timeout) { m_options.timeout = timeout; }
    // Sends the command (once; later calls are ignored).
    void start();
    // The user's choice after a read found it NotDone (or after Failed with a transient
    // error): sends again with the same request id. Ignored while sending or checking.
    void repeat();
    // The user's choice after a read that could not tell (Unknown): read again.
    void checkAgain();

    Phase phase() const { return m_phase; }
    const OutcomeCheck& lastCheck() const { return m_check; }
    const bus::BusError& lastError() const { return m_error; }
    QByteArray requestId() const;
    int attempts() const; // sends so far
    bool canRepeat() const;

    // Timeout, closed while pending, or a 503 with "outcome":"unknown": the command may or
    // may not have taken effect.
    static bool outcomeIsUnknown(const bus::BusError& error);

Q_SIGNALS:
    void phaseChanged(openopd::app::Command::Phase phase);
    void succeeded(const openopd::bus::Message& reply);
    void failed(const openopd::bus::BusError& error);
    void outcomeUnknown(const openopd::bus::BusError& error);
    void checked(const openopd::app::OutcomeCheck& check);

private:
    void onReply(bus::Result<bus::Message> reply);
    void runCheck();
    void setPhase(Phase phase);

    QPointer<bus::Connection> m_connection;
    QByteArray m_subject;
    QByteArray m_body;
    OutcomeReader m_reader;
    bus::RequestOptions m_options;
    bus::RequestHandle* m_handle = nullptr;
    QObject* m_readContext = nullptr; // parent of the read's requests; replaced per read
    Phase m_phase = Phase::Idle;
    bus::BusError m_error;
    OutcomeCheck m_check;
};

} // namespace openopd::app

Q_DECLARE_METATYPE(openopd::app::OutcomeCheck)
