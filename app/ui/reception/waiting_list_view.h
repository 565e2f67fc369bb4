#pragma once

// The day's waiting list at reception (issue 10): a table over WaitingListModel (live from
// the bus), a status line (Live / Reconnecting — list may be out of date / Loading / the
// error), and the two desk actions on the selected visit, "Cancel visit…" and "Left
// unseen…". Each asks for confirmation in an inline bar (never a blocking dialog) and is
// sent once as a Command; an unknown outcome is read (opd.registration.visit.get) before
// "Try again" is offered. Keyboard: arrows move, Delete cancels, Alt+L marks left unseen,
// Enter confirms, Escape goes back.

#include "core/reception/waiting_list_model.h"
#include "core/session.h"

#include <QPointer>
#include <QWidget>

class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace openopd::app {

class Command;

class WaitingListView final : public QWidget
{
    Q_OBJECT
public:
    // Makes its own live model on the session's connection (a detached one when signed out).
    explicit WaitingListView(Session& session, QWidget* parent = nullptr);
    // Shows a model the caller owns (tests, benchmarks, a desk that shares one model).
    WaitingListView(Session& session, WaitingListModel* model, QWidget* parent = nullptr);
    ~WaitingListView() override;
    Q_DISABLE_COPY_MOVE(WaitingListView)

    enum class Action { Cancel, LeftUnseen };

    WaitingListModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QString statusText() const;
    // The outcome line of the last action (sending, done, the error or what a read found).
    QString outcomeText() const;
    // The visit selected in the table, if any.
    std::optional<protocol::Visit> selectedVisit() const;
    // Selects a visit's row (false when it is not in the list).
    bool selectVisit(const QString& visitId);
    // The command of the last confirmed action (null before).
    Command* command() const { return m_command; }

public Q_SLOTS:
    // Shows the confirmation bar for the selected visit (nothing without a selection).
    void askToCancel();
    void askLeftUnseen();

Q_SIGNALS:
    // The service confirmed the action (or a read showed it was done).
    void visitClosed(const openopd::protocol::Visit& visit);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void build();
    void ask(Action action);
    void confirm();
    void closeConfirmBar();
    void onPhase();
    void updateStatus();
    void updateButtons();

    Session& m_session;
    WaitingListModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_leftUnseen = nullptr;
    QFrame* m_confirmBar = nullptr;
    QLabel* m_confirmText = nullptr;
    QLineEdit* m_reason = nullptr;
    QPushButton* m_confirm = nullptr;
    QLabel* m_outcome = nullptr;
    QPushButton* m_repeat = nullptr;
    QPushButton* m_checkAgain = nullptr;
    Action m_action = Action::Cancel;
    protocol::Visit m_target; // the visit the confirmation bar is about
    QPointer<Command> m_command;
};

} // namespace openopd::app
