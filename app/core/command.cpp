#include "core/command.h"

#include "bus/reply_decoding.h"

namespace openopd::app {

Command::Command(bus::Connection& connection, QByteArray subject, QByteArray body,
                 OutcomeReader reader, QObject* parent)
    : QObject(parent), m_connection(&connection), m_subject(std::move(subject)),
      m_body(std::move(body)), m_reader(std::move(reader))
{}

Command::~Command() = default;

bool Command::outcomeIsUnknown(const bus::BusError& error)
{
    using Kind = bus::BusError::Kind;
    return error.kind == Kind::Timeout || error.kind == Kind::ConnectionClosed ||
           (error.kind == Kind::ServiceError && error.outcomeUnknown);
}

void Command::start()
{
    if (m_handle || !m_connection)
        return;
    setPhase(Phase::Sending);
    // The handle sends at once and keeps the request id for repeat().
    m_handle = new bus::RequestHandle(
        *m_connection, m_subject, m_body, m_options,
        [this](bus::Result<bus::Message> reply) { onReply(std::move(reply)); }, this);
}

void Command::repeat()
{
    if (!canRepeat())
        return;
    setPhase(Phase::Sending);
    m_handle->retry();
}

void Command::checkAgain()
{
    if (m_phase == Phase::Checked && m_check.verdict == OutcomeCheck::Verdict::Unknown)
        runCheck();
}

QByteArray Command::requestId() const
{
    return m_handle ? m_handle->requestId() : QByteArray();
}

int Command::attempts() const
{
    return m_handle ? m_handle->attempts() : 0;
}

bool Command::canRepeat() const
{
    if (!m_handle)
        return false;
    if (m_phase == Phase::Checked)
        return m_check.verdict == OutcomeCheck::Verdict::NotDone;
    // A failure that was certainly not done but may pass later (not delivered, nothing
    // saved, no connection): repeating under the same id is safe.
    if (m_phase == Phase::Failed) {
        using Kind = bus::BusError::Kind;
        return m_error.kind == Kind::NoResponders || m_error.kind == Kind::NotConnected ||
               (m_error.kind == Kind::ServiceError && m_error.code == 503);
    }
    return false;
}

void Command::onReply(bus::Result<bus::Message> reply)
{
    bus::BusError error = reply.error();
    if (reply.ok())
        error = bus::serviceErrorFrom(reply.value());
    if (!error.isError()) {
        m_error = {};
        setPhase(Phase::Succeeded);
        Q_EMIT succeeded(reply.value());
        return;
    }
    m_error = error;
    if (!outcomeIsUnknown(error)) {
        setPhase(Phase::Failed);
        Q_EMIT failed(error);
        return;
    }
    Q_EMIT outcomeUnknown(error);
    runCheck();
}

void Command::runCheck()
{
    delete m_readContext; // a read still in flight is abandoned
    m_readContext = new QObject(this);
    setPhase(Phase::Checking);
    if (!m_reader || !m_connection) {
        m_check = {OutcomeCheck::Verdict::Unknown, tr("There is no way to check this action."), {}};
        setPhase(Phase::Checked);
        Q_EMIT checked(m_check);
        return;
    }
    QPointer<QObject> context = m_readContext;
    m_reader(*m_connection, m_readContext, [this, context](OutcomeCheck check) {
        if (!context || context != m_readContext)
            return; // an older read
        m_check = std::move(check);
        setPhase(Phase::Checked);
        Q_EMIT checked(m_check);
    });
}

void Command::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

} // namespace openopd::app
