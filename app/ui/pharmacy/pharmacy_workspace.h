#pragma once

// The pharmacy (issue 11): the prescriptions awaiting dispensing (live) above the stock
// (live, searchable). Dispense… opens the dispense dialog; Receive stock… and Adjust stock…
// open the stock dialogs. Keyboard: Ctrl+W the list (first row selected), Enter dispenses
// the selected row, Ctrl+F the stock search, Ctrl+R receive, Ctrl+J adjust the selected
// batch. Dialogs are non-modal (never exec()); the keyboard comes back to where it was.

#include "core/session.h"
#include "protocol/pharmacy.h"

#include <QWidget>
#include <optional>

namespace openopd::app {

class PendingListView;
class StockView;

class PharmacyWorkspace final : public QWidget
{
    Q_OBJECT
public:
    explicit PharmacyWorkspace(Session& session, QWidget* parent = nullptr);

    PendingListView* pendingList() const { return m_pending; }
    StockView* stockView() const { return m_stock; }

    void dispense(const protocol::PendingPrescription& prescription);
    void receiveStock(const std::optional<protocol::StockItem>& item);
    void adjustStock(const protocol::StockItem& item);

Q_SIGNALS:
    // A dialog this workspace opened (dispense, receive, adjust), for tests and screenshots.
    void dialogOpened(QWidget* dialog);

private:
    void addShortcuts();
    void openDialog(class QDialog* dialog, QWidget* returnTo);

    Session& m_session;
    PendingListView* m_pending = nullptr;
    StockView* m_stock = nullptr;
};

} // namespace openopd::app
