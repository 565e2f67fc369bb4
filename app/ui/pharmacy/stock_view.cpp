#include "ui/pharmacy/stock_view.h"

#include "core/error_text.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

namespace {

// The warning icon next to a status word (the model has no widgets, so no style).
class StatusIcons final : public QIdentityProxyModel
{
public:
    using QIdentityProxyModel::QIdentityProxyModel;

    QVariant data(const QModelIndex& index, int role) const override
    {
        if (role == Qt::DecorationRole && index.column() == StockModel::StatusColumn &&
            QIdentityProxyModel::data(index, StockModel::StatusRole).toInt() != StockModel::Ok)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        return QIdentityProxyModel::data(index, role);
    }
};

} // namespace

StockView::StockView(Session& session, QWidget* parent) : QWidget(parent), m_session(session)
{
    m_model =
        session.connection() ? new StockModel(*session.connection(), this) : new StockModel(this);
    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    auto* title = new QLabel(tr("Stock"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    header->addWidget(title);
    auto* searchLabel = new QLabel(tr("&Search stock:"), this);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("stockSearch"));
    m_search->setAccessibleName(tr("Search stock"));
    m_search->setPlaceholderText(tr("drug code or name"));
    m_search->setClearButtonEnabled(true);
    searchLabel->setBuddy(m_search);
    header->addWidget(searchLabel);
    header->addWidget(m_search, 1);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("stockStatus"));
    m_status->setAccessibleDescription(tr("Stock list status"));
    header->addWidget(m_status);
    layout->addLayout(header);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("stockTable"));
    m_table->setAccessibleName(tr("Stock batches"));
    auto* proxy = new StatusIcons(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    QHeaderView* columns = m_table->horizontalHeader();
    const int unit = fontMetrics().averageCharWidth();
    columns->setStretchLastSection(false);
    columns->setSectionResizeMode(StockModel::DrugColumn, QHeaderView::Stretch);
    columns->resizeSection(StockModel::BatchColumn, unit * 14);
    columns->resizeSection(StockModel::ExpiryColumn,
                           fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00")) +
                               unit * 3);
    columns->resizeSection(StockModel::QuantityColumn, unit * 22);
    // Wide enough for the bold header ("Reorder level"), not only for the numbers.
    columns->resizeSection(
        StockModel::ReorderColumn,
        columns->fontMetrics().horizontalAdvance(
            m_model->headerData(StockModel::ReorderColumn, Qt::Horizontal).toString()) +
            unit * 4);
    columns->resizeSection(StockModel::StatusColumn, unit * 30);
    layout->addWidget(m_table, 1);

    auto* legend = new QLabel(tr("Status: Low stock = the drug's unexpired total is at or below "
                                 "its reorder level; Expires soon = within %n days; Expired = "
                                 "never dispensed.",
                                 nullptr, kNearExpiryDays),
                              this);
    legend->setObjectName(QStringLiteral("stockLegend"));
    legend->setWordWrap(true);
    layout->addWidget(legend);

    auto* actions = new QHBoxLayout;
    m_receive = new QPushButton(tr("&Receive stock…"), this);
    m_receive->setObjectName(QStringLiteral("receiveStock"));
    m_adjust = new QPushButton(tr("Ad&just stock…"), this);
    m_adjust->setObjectName(QStringLiteral("adjustStock"));
    m_adjust->setAccessibleName(tr("Adjust the selected batch"));
    actions->addWidget(m_receive);
    actions->addWidget(m_adjust);
    actions->addStretch();
    layout->addLayout(actions);

    // Search as you type, one request per pause.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(200);
    connect(m_search, &QLineEdit::textChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(&m_debounce, &QTimer::timeout, this, [this] { m_model->setQuery(m_search->text()); });
    connect(m_receive, &QPushButton::clicked, this,
            [this] { Q_EMIT receiveRequested(selected()); });
    connect(m_adjust, &QPushButton::clicked, this, [this] {
        if (std::optional<protocol::StockItem> item = selected())
            Q_EMIT adjustRequested(*item);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &StockView::updateButtons);
    // A fetch with other batches resets the model: the selected batch stays selected.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        if (std::optional<protocol::StockItem> item = selected())
            m_keepSelected = std::make_pair(item->drugCode, item->batch);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_keepSelected)
            selectBatch(m_keepSelected->first, m_keepSelected->second);
        m_keepSelected.reset();
        updateButtons();
        updateStatus();
    });
    connect(m_model, &StockModel::loaded, this, [this] {
        if (m_selectOnLoad)
            selectBatch(m_selectOnLoad->first, m_selectOnLoad->second);
        m_selectOnLoad.reset();
        updateStatus();
    });
    connect(m_model, &StockModel::loadingChanged, this, &StockView::updateStatus);
    connect(m_model, &StockModel::errorOccurred, this, &StockView::updateStatus);
    connect(&m_session, &Session::connectionStateChanged, this, &StockView::updateStatus);
    updateStatus();
    updateButtons();
}

QString StockView::statusText() const
{
    return m_status->text();
}

void StockView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void StockView::updateStatus()
{
    const bus::Connection* connection = m_session.connection();
    const bool connected = !connection || connection->state() == bus::Connection::State::Connected;
    QString text;
    if (!connected)
        text = tr("Reconnecting — stock may be out of date");
    else if (m_model->lastError().isError())
        text = tr("Could not load the stock (%1)").arg(userText(m_model->lastError()));
    else if (m_model->fetches() == 0)
        text = tr("Loading the stock…");
    else if (m_model->isTruncated())
        text = tr("Live — the first %n batches; search to narrow", nullptr, m_model->rowCount());
    else
        text = tr("Live — %n batches", nullptr, m_model->rowCount());
    m_status->setText(text);
}

std::optional<protocol::StockItem> StockView::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || rows.constFirst().row() >= m_model->rowCount())
        return std::nullopt;
    return m_model->itemAt(rows.constFirst().row());
}

bool StockView::selectBatch(const QString& drugCode, const QString& batch)
{
    const int row = m_model->rowOf(drugCode, batch);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->scrollTo(m_table->model()->index(row, 0));
    return true;
}

void StockView::selectAfterNextLoad(const QString& drugCode, const QString& batch)
{
    m_selectOnLoad = std::make_pair(drugCode, batch);
}

void StockView::updateButtons()
{
    m_adjust->setEnabled(selected().has_value());
}

} // namespace openopd::app
