#include "ui/pharmacy/stock_change_dialog.h"

#include "core/command.h"
#include "core/pharmacy/pharmacy_commands.h"
#include "protocol/limits.h"
#include "protocol/validation.h"
#include "ui/command_outcome_bar.h"
#include "ui/pharmacy/field_rows.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace openopd::app {

namespace {

// A decoder's message is "<field>: <rule>"; next to the field, the rule is enough.
QString withoutFieldPrefix(const bus::BusError& error)
{
    const QString prefix = error.field + QStringLiteral(": ");
    return !error.field.isEmpty() && error.message.startsWith(prefix)
               ? error.message.mid(prefix.size())
               : error.message;
}

QLineEdit* lineEdit(QWidget* parent, int maxLength)
{
    auto* edit = new QLineEdit(parent);
    edit->setMaxLength(maxLength + 10); // longer than allowed, so the rule can say so
    return edit;
}

} // namespace

StockChangeDialog::StockChangeDialog(Session& session, Mode mode,
                                     const std::optional<protocol::StockItem>& item,
                                     const QList<protocol::StockItem>& known, QWidget* parent)
    : QDialog(parent), m_session(session), m_mode(mode), m_known(known)
{
    setObjectName(mode == Mode::Receive ? QStringLiteral("receiveStockDialog")
                                        : QStringLiteral("adjustStockDialog"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    layout->addLayout(form);
    m_rows = new FieldRows(form, this);
    if (mode == Mode::Receive)
        buildReceive(item);
    else
        buildAdjust(item.value_or(protocol::StockItem{}));

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("formStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->hide();
    layout->addWidget(m_status);
    m_outcome = new CommandOutcomeBar(this);
    layout->addWidget(m_outcome);
    layout->addStretch(1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_save = buttons->addButton(mode == Mode::Receive ? tr("&Receive") : tr("&Save adjustment"),
                                QDialogButtonBox::ActionRole);
    m_save->setObjectName(QStringLiteral("save"));
    m_save->setDefault(true); // Enter in a field saves
    layout->addWidget(buttons);
    // The dialog closes only once the service confirmed the change.
    connect(m_save, &QPushButton::clicked, this, &StockChangeDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &StockChangeDialog::reject);
}

StockChangeDialog::~StockChangeDialog() = default;

void StockChangeDialog::buildReceive(const std::optional<protocol::StockItem>& item)
{
    setWindowTitle(tr("Receive stock"));
    m_drugCode = lineEdit(this, int(protocol::limits::kCode));
    m_rows->add(QStringLiteral("drug_code"), tr("Drug &code:"), m_drugCode,
                tr("The formulary code, e.g. PARA500."));
    m_drugName = lineEdit(this, int(protocol::limits::kName));
    m_rows->add(QStringLiteral("drug_name"), tr("Drug &name:"), m_drugName);
    m_unit = lineEdit(this, int(protocol::limits::kUnit));
    m_unit->setPlaceholderText(tr("e.g. tablet (optional)"));
    m_rows->add(QStringLiteral("unit"), tr("&Unit:"), m_unit);
    m_batch = lineEdit(this, int(protocol::limits::kBatch));
    m_rows->add(QStringLiteral("batch"), tr("&Batch:"), m_batch, tr("The batch or lot number."));
    m_expiry = lineEdit(this, 10);
    m_expiry->setPlaceholderText(tr("YYYY-MM-DD"));
    m_rows->add(QStringLiteral("expiry"), tr("E&xpiry:"), m_expiry,
                tr("The expiry date, YYYY-MM-DD."));
    m_quantity = new QSpinBox(this);
    m_quantity->setRange(0, protocol::limits::kMaxQuantity);
    m_rows->add(QStringLiteral("quantity"), tr("&Quantity:"), m_quantity,
                tr("How many units arrived."));
    m_reorder = lineEdit(this, 7);
    m_reorder->setPlaceholderText(tr("unchanged"));
    m_rows->add(QStringLiteral("reorder_level"), tr("Re&order level:"), m_reorder,
                tr("Optional: the drug's new reorder level."));
    m_note = lineEdit(this, int(protocol::limits::kReason));
    m_rows->add(QStringLiteral("note"), tr("No&te:"), m_note, tr("Optional, e.g. the supplier."));
    if (item) {
        m_drugCode->setText(item->drugCode);
        m_drugName->setText(item->drugName);
        m_unit->setText(item->unit);
    }
}

void StockChangeDialog::buildAdjust(const protocol::StockItem& item)
{
    m_item = item;
    setWindowTitle(tr("Adjust stock — %1").arg(item.drugName));
    auto* what = new QLabel(
        tr("%1 (%2), batch %3, expires %4: %5 in stock, reorder level %6.")
            .arg(item.drugName, item.drugCode, item.batch, item.expiry.toString(Qt::ISODate))
            .arg(item.quantity)
            .arg(item.reorderLevel),
        this);
    what->setObjectName(QStringLiteral("batchSummary"));
    what->setWordWrap(true);
    static_cast<QVBoxLayout*>(layout())->insertWidget(0, what);
    m_quantity = new QSpinBox(this);
    m_quantity->setRange(-protocol::limits::kMaxQuantity, protocol::limits::kMaxQuantity);
    m_rows->add(QStringLiteral("delta"), tr("&Change:"), m_quantity,
                tr("Units to add (positive) or remove (negative)."));
    m_reorder = lineEdit(this, 7);
    m_reorder->setPlaceholderText(tr("unchanged (now %1)").arg(item.reorderLevel));
    m_rows->add(QStringLiteral("reorder_level"), tr("Re&order level:"), m_reorder,
                tr("Optional: the drug's new reorder level."));
    m_reason = new QComboBox(this);
    for (protocol::StockReason reason : adjustReasons())
        m_reason->addItem(stockReasonText(reason), int(reason));
    m_rows->add(QStringLiteral("reason"), tr("&Reason:"), m_reason);
    m_note = lineEdit(this, int(protocol::limits::kReason));
    m_rows->add(QStringLiteral("note"), tr("No&te:"), m_note,
                tr("Required when the reason is Other."));
}

QWidget* StockChangeDialog::field(const QString& key) const
{
    return m_rows->field(key);
}

QString StockChangeDialog::fieldError(const QString& key) const
{
    return m_rows->error(key);
}

QString StockChangeDialog::statusText() const
{
    return m_status->isHidden() ? QString() : m_status->text();
}

void StockChangeDialog::setStatus(const QString& text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    growToFit();
}

void StockChangeDialog::growToFit()
{
    // Grow (never shrink) with error lines instead of squeezing the fields; wrapped lines
    // need the height for the current width.
    layout()->activate();
    const int needed =
        std::max(layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                               : sizeHint().height(),
                 minimumSizeHint().height());
    if (needed > height())
        resize(width(), needed);
}

bool StockChangeDialog::busy() const
{
    return m_command && (m_command->phase() == Command::Phase::Sending ||
                         m_command->phase() == Command::Phase::Checking);
}

int StockChangeDialog::quantityBefore(const QString& drugCode, const QString& batch) const
{
    for (const protocol::StockItem& known : m_known)
        if (known.drugCode == drugCode && known.batch == batch)
            return known.quantity;
    return 0;
}

bool StockChangeDialog::check()
{
    m_rows->clearErrors();
    const auto required = [this](const QString& key, QLineEdit* edit, qsizetype max, bool code) {
        const QString text = edit->text().trimmed();
        if (text.isEmpty())
            m_rows->showError(key, tr("Required."));
        else if (text.size() > max)
            m_rows->showError(key, tr("At most %1 characters.").arg(max));
        else if (code && !protocol::isValidCode(text))
            m_rows->showError(key, tr("Letters, digits, '.', '_', '/' and '-' only, starting "
                                      "with a letter or digit."));
    };
    const QString reorder = m_reorder->text().trimmed();
    bool reorderOk = true;
    const int reorderLevel = reorder.toInt(&reorderOk);
    if (!reorder.isEmpty() &&
        (!reorderOk || reorderLevel < 0 || reorderLevel > protocol::limits::kMaxQuantity))
        m_rows->showError(
            QStringLiteral("reorder_level"),
            tr("A whole number from 0 to %1, or empty.").arg(protocol::limits::kMaxQuantity));
    if (m_mode == Mode::Receive) {
        required(QStringLiteral("drug_code"), m_drugCode, protocol::limits::kCode, true);
        required(QStringLiteral("drug_name"), m_drugName, protocol::limits::kName, false);
        required(QStringLiteral("batch"), m_batch, protocol::limits::kBatch, true);
        const QDate expiry = QDate::fromString(m_expiry->text().trimmed(), Qt::ISODate);
        if (m_expiry->text().trimmed().isEmpty())
            m_rows->showError(QStringLiteral("expiry"), tr("Required."));
        else if (!expiry.isValid())
            m_rows->showError(QStringLiteral("expiry"), tr("A date as YYYY-MM-DD."));
        else if (expiry < QDate::currentDate())
            m_rows->showError(QStringLiteral("expiry"),
                              tr("This batch has expired already: do not receive it."));
        if (m_quantity->value() < 1)
            m_rows->showError(QStringLiteral("quantity"), tr("At least 1."));
        if (m_unit->text().trimmed().size() > protocol::limits::kUnit)
            m_rows->showError(QStringLiteral("unit"),
                              tr("At most %1 characters.").arg(protocol::limits::kUnit));
    } else {
        if (m_quantity->value() == 0 && reorder.isEmpty())
            m_rows->showError(QStringLiteral("delta"),
                              tr("Enter a change, or a new reorder level."));
        else if (m_item.quantity + m_quantity->value() < 0)
            m_rows->showError(QStringLiteral("delta"),
                              tr("Only %1 are in this batch.").arg(m_item.quantity));
        if (protocol::StockReason(m_reason->currentData().toInt()) ==
                protocol::StockReason::Other &&
            m_note->text().trimmed().isEmpty())
            m_rows->showError(QStringLiteral("note"), tr("Say why, when the reason is Other."));
    }
    if (m_note->text().trimmed().size() > protocol::limits::kReason)
        m_rows->showError(QStringLiteral("note"),
                          tr("At most %1 characters.").arg(protocol::limits::kReason));
    return !m_rows->focusFirstError();
}

void StockChangeDialog::save()
{
    bus::Connection* connection = m_session.connection();
    if (busy() || !m_save->isEnabled())
        return;
    setStatus({});
    if (!check()) {
        setStatus(tr("Nothing was sent: correct the fields marked in red."));
        return;
    }
    if (!connection) {
        setStatus(tr("Not signed in: nothing was sent."));
        return;
    }
    if (m_command)
        m_command->deleteLater(); // its outcome is known (busy and Unknown never get here)
    const protocol::StaffRef staff =
        m_session.principal().actingAs({protocol::StaffRole::Pharmacist});
    const QString reorder = m_reorder->text().trimmed();
    const std::optional<int> reorderLevel =
        reorder.isEmpty() ? std::nullopt : std::optional<int>(reorder.toInt());
    QString action;
    if (m_mode == Mode::Receive) {
        protocol::ReceiveStockRequest request;
        request.staff = staff;
        request.drugCode = m_drugCode->text().trimmed();
        request.drugName = m_drugName->text().trimmed();
        request.unit = m_unit->text().trimmed();
        request.batch = m_batch->text().trimmed();
        request.expiry = QDate::fromString(m_expiry->text().trimmed(), Qt::ISODate);
        request.quantity = m_quantity->value();
        request.reorderLevel = reorderLevel;
        request.note = m_note->text().trimmed();
        m_command = receiveStockCommand(*connection, request,
                                        quantityBefore(request.drugCode, request.batch), this);
        action = tr("Receiving %1 of %2, batch %3")
                     .arg(request.quantity)
                     .arg(request.drugName, request.batch);
    } else {
        protocol::AdjustStockRequest request;
        request.staff = staff;
        request.drugCode = m_item.drugCode;
        request.batch = m_item.batch;
        request.delta = m_quantity->value();
        request.reorderLevel = reorderLevel;
        request.reason = protocol::StockReason(m_reason->currentData().toInt());
        request.note = m_note->text().trimmed();
        m_command = adjustStockCommand(*connection, request, m_item.quantity, this);
        action = tr("Adjusting batch %1 of %2").arg(m_item.batch, m_item.drugName);
    }
    m_outcome->follow(m_command, action);
    connect(m_command, &Command::phaseChanged, this, [this](Command::Phase phase) {
        using Phase = Command::Phase;
        const bool inFlight = phase == Phase::Sending || phase == Phase::Checking;
        const bool unknown = phase == Phase::Checked &&
                             m_command->lastCheck().verdict == OutcomeCheck::Verdict::Unknown;
        // Nothing new is sent while the last change may still have happened.
        m_save->setEnabled(!inFlight && !unknown);
        for (const QString& key :
             {QStringLiteral("drug_code"), QStringLiteral("drug_name"), QStringLiteral("unit"),
              QStringLiteral("batch"), QStringLiteral("expiry"), QStringLiteral("quantity"),
              QStringLiteral("delta"), QStringLiteral("reorder_level"), QStringLiteral("reason"),
              QStringLiteral("note")})
            if (QWidget* widget = m_rows->field(key))
                widget->setEnabled(!inFlight);
    });
    connect(m_command, &Command::succeeded, this, [this](const bus::Message& reply) {
        if (std::optional<protocol::StockItem> item = stockItemFromReply(reply.data))
            return finish(*item);
        setStatus(tr("Saved, but the answer could not be read."));
    });
    connect(m_command, &Command::failed, this, &StockChangeDialog::onFailed);
    connect(m_command, &Command::checked, this, [this](const OutcomeCheck& check) {
        if (check.verdict == OutcomeCheck::Verdict::Done)
            if (std::optional<protocol::StockItem> item = stockItemFromReply(check.readBody))
                finish(*item);
    });
    m_command->start();
}

void StockChangeDialog::onFailed(const bus::BusError& error)
{
    if (!error.field.isEmpty() && m_rows->showError(error.field, withoutFieldPrefix(error))) {
        m_rows->focusFirstError();
        m_outcome->clear(); // the message is under its field
        setStatus(tr("Not saved: correct the field marked in red."));
    }
}

void StockChangeDialog::finish(const protocol::StockItem& item)
{
    m_session.notify(
        tr("%1, batch %2: %3 in stock.").arg(item.drugName, item.batch).arg(item.quantity));
    Q_EMIT stockChanged(item);
    accept();
}

void StockChangeDialog::reject()
{
    if (busy())
        return; // the answer (or the read) is on its way; the bar says so
    QDialog::reject();
}

} // namespace openopd::app
