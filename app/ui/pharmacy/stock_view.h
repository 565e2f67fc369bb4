#pragma once

// The pharmacy's stock (issue 11): a search field (drug code or name, as you type), a table
// over StockModel (live: stock events fetch it again), a legend, and "Receive stock…" /
// "Adjust stock…" for the selected batch. Low stock, near expiry and expired batches are
// marked by a word in the Status column and a warning icon as well as by colour.

#include "core/pharmacy/stock_model.h"
#include "core/session.h"

#include <QTimer>
#include <QWidget>
#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace openopd::app {

class StockView final : public QWidget
{
    Q_OBJECT
public:
    explicit StockView(Session& session, QWidget* parent = nullptr);

    StockModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLineEdit* searchField() const { return m_search; }
    QPushButton* receiveButton() const { return m_receive; }
    QPushButton* adjustButton() const { return m_adjust; }
    QString statusText() const;
    std::optional<protocol::StockItem> selected() const;
    bool selectBatch(const QString& drugCode, const QString& batch);
    void focusSearch();
    // Selects the batch once the next fetch has it (after a receive or an adjust).
    void selectAfterNextLoad(const QString& drugCode, const QString& batch);

Q_SIGNALS:
    void receiveRequested(const std::optional<openopd::protocol::StockItem>& item);
    void adjustRequested(const openopd::protocol::StockItem& item);

private:
    void updateStatus();
    void updateButtons();

    Session& m_session;
    StockModel* m_model = nullptr;
    QLineEdit* m_search = nullptr;
    QTimer m_debounce;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_receive = nullptr;
    QPushButton* m_adjust = nullptr;
    std::optional<std::pair<QString, QString>> m_keepSelected; // across a model reset
    std::optional<std::pair<QString, QString>> m_selectOnLoad;
};

} // namespace openopd::app
