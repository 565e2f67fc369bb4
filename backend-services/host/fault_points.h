#pragma once

#include <QSet>
#include <QString>

namespace openopd::host {

// Named places where a fault test may have the process killed (SIGKILL, no cleanup), to
// prove that a crash there loses and duplicates nothing. Armed only by the hidden
// --fault-point option (or OPENOPD_FAULT_POINT); inert otherwise. Passed to the parts that
// have such places; never global.
class FaultPoints
{
public:
    FaultPoints() = default;
    explicit FaultPoints(const QString& commaSeparatedNames);

    bool isArmed(const QString& name) const { return m_armed.contains(name); }
    // Kills the process at once if name is armed.
    void hit(const QString& name) const;

    // The points that exist, for --help and tests.
    static QStringList known();

private:
    QSet<QString> m_armed;
};

namespace fault {
inline constexpr char kAfterCommit[] = "after-commit";                  // state + outbox committed
inline constexpr char kAfterPublish[] = "after-publish";                // acked, not marked sent
inline constexpr char kConsumerAfterCommit[] = "consumer-after-commit"; // processed, not acked
// Handlers ran for a delivered batch, nothing committed or acked: the server must redeliver.
inline constexpr char kConsumerBeforeCommit[] = "consumer-before-commit";
// Not a kill: the database connection (PostgreSQL) is terminated right before the COMMIT of
// the first group that holds answers, so that COMMIT fails with its outcome unknown.
inline constexpr char kDbLostBeforeCommit[] = "db-lost-before-commit";
} // namespace fault

} // namespace openopd::host
