#pragma once

// Receive stock (a delivery: opd.pharmacy.stock.receive) or adjust a batch (a count
// correction, damage, expiry, a return: opd.pharmacy.stock.adjust with its reason) — issue
// 11. The fields are checked here first (required, codes, dates, numbers, a note for "other")
// and the service's field errors are shown next to their field too. Save sends the change
// once as a Command; an unknown outcome is read (the batch's quantity in stock.list) before
// Try again (the same request id) is offered. Not modal: open() or show().

#include "core/command.h"
#include "core/session.h"
#include "protocol/pharmacy.h"

#include <QDialog>
#include <QPointer>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace openopd::app {

class CommandOutcomeBar;
class FieldRows;

class StockChangeDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class Mode { Receive, Adjust };

    // Receive: item (optional) fills in the drug. Adjust: item is the batch (required).
    // known: the batches the stock view shows (the quantity before, for the outcome read).
    StockChangeDialog(Session& session, Mode mode, const std::optional<protocol::StockItem>& item,
                      const QList<protocol::StockItem>& known, QWidget* parent = nullptr);
    ~StockChangeDialog() override;
    Q_DISABLE_COPY_MOVE(StockChangeDialog)

    Mode mode() const { return m_mode; }
    // The field of a protocol key ("drug_code", "batch", "expiry", "quantity", "delta",
    // "reorder_level", "reason", "note", …) and the error shown under it.
    QWidget* field(const QString& key) const;
    QString fieldError(const QString& key) const;
    QString statusText() const;
    QPushButton* saveButton() const { return m_save; }
    CommandOutcomeBar* outcomeBar() const { return m_outcome; }
    Command* command() const { return m_command; }

    void reject() override;

Q_SIGNALS:
    void stockChanged(const openopd::protocol::StockItem& item);

private:
    void buildReceive(const std::optional<protocol::StockItem>& item);
    void buildAdjust(const protocol::StockItem& item);
    bool check();
    void save();
    void onFailed(const bus::BusError& error);
    void finish(const protocol::StockItem& item);
    void setStatus(const QString& text);
    void growToFit();
    int quantityBefore(const QString& drugCode, const QString& batch) const;
    bool busy() const;

    Session& m_session;
    Mode m_mode;
    protocol::StockItem m_item; // adjust: the batch
    QList<protocol::StockItem> m_known;
    FieldRows* m_rows = nullptr;
    QLineEdit* m_drugCode = nullptr;
    QLineEdit* m_drugName = nullptr;
    QLineEdit* m_unit = nullptr;
    QLineEdit* m_batch = nullptr;
    QLineEdit* m_expiry = nullptr;
    QSpinBox* m_quantity = nullptr; // receive: quantity; adjust: delta
    QLineEdit* m_reorder = nullptr;
    QComboBox* m_reason = nullptr;
    QLineEdit* m_note = nullptr;
    QLabel* m_status = nullptr;
    CommandOutcomeBar* m_outcome = nullptr;
    QPushButton* m_save = nullptr;
    QPointer<Command> m_command;
};

} // namespace openopd::app
