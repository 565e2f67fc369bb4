#pragma once

// Dispenses one prescription (issue 11). It reads the prescription as it stands
// (opd.pharmacy.prescription.get: what is given already, how many dispenses there were) and
// the stock of its drugs (opd.pharmacy.stock.list), then shows one row per line: what
// remains, how many to give now (all that remains by default), the batch the service will
// take first (the first-expiring unexpired one) and, next to the line, "Insufficient stock"
// when there is not enough. Giving less than remains is a partial dispense: it needs a reason
// (the notes). Dispense sends opd.pharmacy.dispense once as a Command; a 409 for a line
// (field lines[i].quantity) is shown next to that line and the stock is read again; an
// unknown outcome is read (prescription.get) before Try again is offered
// (CommandOutcomeBar). Not modal: open() or show(); Escape closes unless a dispense is on
// its way.

#include "core/command.h"
#include "core/pharmacy/dispense_plan.h"
#include "core/session.h"
#include "protocol/pharmacy_api.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QGridLayout;

namespace openopd::app {

class CommandOutcomeBar;

class DispenseDialog final : public QDialog
{
    Q_OBJECT
public:
    DispenseDialog(Session& session, const protocol::PendingPrescription& prescription,
                   QWidget* parent = nullptr);
    ~DispenseDialog() override;
    Q_DISABLE_COPY_MOVE(DispenseDialog)

    const protocol::PendingPrescription& prescription() const { return m_prescription; }
    // The prescription and the stock are read (the lines are shown; Dispense may be pressed).
    bool isReady() const { return m_ready; }
    const QList<DispenseLinePlan>& plan() const { return m_plan; }
    int lineCount() const { return int(m_rows.size()); }
    QSpinBox* quantityBox(int index) const;
    // The suggested batch, the error next to a line ("" when none), the notes' error.
    QString batchText(int index) const;
    QString lineError(int index) const;
    QString notesError() const;
    QPlainTextEdit* notesEdit() const { return m_notes; }
    QPushButton* dispenseButton() const { return m_dispense; }
    QString statusText() const;
    CommandOutcomeBar* outcomeBar() const { return m_outcome; }
    Command* command() const { return m_command; }

    void reject() override;

Q_SIGNALS:
    void ready();
    void dispensed(const openopd::protocol::Dispense& dispense);

private:
    struct LineRow
    {
        QLabel* drug = nullptr;
        QLabel* remaining = nullptr;
        QSpinBox* quantity = nullptr;
        QLabel* batch = nullptr;
        QLabel* error = nullptr;
    };

    void load();
    void loadStock();
    void onLoaded();
    void buildLines();
    void updatePlanTexts();
    void showErrors(bool withNotes);
    void dispense();
    void onFailed(const bus::BusError& error);
    void finish(const protocol::Dispense& dispense);
    void setStatus(const QString& text);
    void growToFit();
    void setBusy(bool busy);
    QList<int> quantities() const;

    Session& m_session;
    protocol::PendingPrescription m_prescription;
    qsizetype m_dispensesBefore = 0;
    QList<protocol::StockItem> m_stock;
    int m_stockReadsLeft = 0;
    bool m_detailRead = false;
    bool m_ready = false;
    QList<DispenseLinePlan> m_plan;
    QList<LineRow> m_rows;
    QHash<int, QString> m_serverErrors; // line index -> the service's refusal
    QList<int> m_sentLines;             // request index -> plan index
    QGridLayout* m_grid = nullptr;
    QLabel* m_header = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QLabel* m_notesError = nullptr;
    QLabel* m_status = nullptr;
    CommandOutcomeBar* m_outcome = nullptr;
    QPushButton* m_dispense = nullptr;
    QPushButton* m_close = nullptr;
    QPointer<Command> m_command;
    QObject* m_reads = nullptr; // parent of the reads in flight (replaced by each load)
};

} // namespace openopd::app
