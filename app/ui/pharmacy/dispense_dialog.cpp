#include "ui/pharmacy/dispense_dialog.h"

#include "bus/typed.h"
#include "core/command.h"
#include "core/error_text.h"
#include "core/pharmacy/pharmacy_commands.h"
#include "protocol/endpoints.h"
#include "ui/command_outcome_bar.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace openopd::app {

namespace {

QLabel* errorLine(QWidget* parent, const QString& name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    label->hide();
    return label;
}

} // namespace

DispenseDialog::DispenseDialog(Session& session, const protocol::PendingPrescription& prescription,
                               QWidget* parent)
    : QDialog(parent), m_session(session), m_prescription(prescription)
{
    setObjectName(QStringLiteral("dispenseDialog"));
    setWindowTitle(tr("Dispense — %1").arg(prescription.patientName));
    setMinimumWidth(fontMetrics().averageCharWidth() * 115);
    auto* layout = new QVBoxLayout(this);

    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("prescriptionHeader"));
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::PlainText);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    layout->addWidget(m_header);

    m_grid = new QGridLayout;
    m_grid->setHorizontalSpacing(12);
    const QStringList headings{tr("Drug"), tr("Remaining"), tr("Give now"), tr("From batch")};
    for (int column = 0; column < headings.size(); ++column) {
        auto* heading = new QLabel(headings.at(column), this);
        heading->setFont(bold);
        m_grid->addWidget(heading, 0, column);
    }
    m_grid->setColumnStretch(0, 3);
    m_grid->setColumnStretch(3, 2);
    layout->addLayout(m_grid);

    auto* notesLabel = new QLabel(tr("Reason / &notes:"), this);
    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notes"));
    m_notes->setAccessibleName(tr("Reason or notes"));
    m_notes->setAccessibleDescription(tr("Required when less than prescribed is given."));
    m_notes->setPlaceholderText(tr("Required when less than prescribed is given"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(fontMetrics().lineSpacing() * 3 + 12);
    notesLabel->setBuddy(m_notes);
    layout->addWidget(notesLabel);
    layout->addWidget(m_notes);
    m_notesError = errorLine(this, QStringLiteral("error_notes"));
    layout->addWidget(m_notesError);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setAccessibleDescription(tr("Dispense status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_outcome = new CommandOutcomeBar(this);
    layout->addWidget(m_outcome);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    m_dispense = new QPushButton(tr("&Dispense"), this);
    m_dispense->setObjectName(QStringLiteral("dispense"));
    m_dispense->setDefault(true);
    m_dispense->setEnabled(false);
    m_close = new QPushButton(tr("Close"), this);
    m_close->setObjectName(QStringLiteral("close"));
    m_close->setAutoDefault(false);
    buttons->addWidget(m_dispense);
    buttons->addWidget(m_close);
    layout->addLayout(buttons);

    connect(m_dispense, &QPushButton::clicked, this, &DispenseDialog::dispense);
    connect(m_close, &QPushButton::clicked, this, &DispenseDialog::reject);
    connect(m_notes, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_notesError->isHidden())
            showErrors(true);
    });
    load();
}

DispenseDialog::~DispenseDialog() = default;

QSpinBox* DispenseDialog::quantityBox(int index) const
{
    return index >= 0 && index < m_rows.size() ? m_rows.at(index).quantity : nullptr;
}

QString DispenseDialog::batchText(int index) const
{
    return index >= 0 && index < m_rows.size() ? m_rows.at(index).batch->text() : QString();
}

QString DispenseDialog::lineError(int index) const
{
    if (index < 0 || index >= m_rows.size() || m_rows.at(index).error->isHidden())
        return {};
    return m_rows.at(index).error->text();
}

QString DispenseDialog::notesError() const
{
    return m_notesError->isHidden() ? QString() : m_notesError->text();
}

QString DispenseDialog::statusText() const
{
    return m_status->text();
}

void DispenseDialog::setStatus(const QString& text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    growToFit();
}

void DispenseDialog::growToFit()
{
    // Grow (never shrink) with error lines instead of squeezing the lines.
    layout()->activate();
    const int needed =
        std::max(layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                               : sizeHint().height(),
                 minimumSizeHint().height());
    if (needed > height())
        resize(width(), needed);
}

void DispenseDialog::load()
{
    bus::Connection* connection = m_session.connection();
    if (!connection) {
        setStatus(tr("Not signed in."));
        return;
    }
    delete m_reads; // answers of an older load are dropped
    m_reads = new QObject(this);
    m_detailRead = false;
    if (m_rows.isEmpty()) // a read again after a refusal keeps the refusal's words
        setStatus(tr("Reading the prescription and the stock…"));
    bus::request(
        *connection, protocol::kGetPrescription,
        protocol::GetPrescriptionRequest{m_prescription.consultationId}, m_reads,
        [this](bus::Result<protocol::PrescriptionReply> reply) {
            if (!reply)
                return setStatus(
                    tr("The prescription could not be read: %1").arg(userText(reply.error())));
            if (reply->state != protocol::PrescriptionState::Open)
                return setStatus(tr("Nothing is left to dispense on this "
                                    "prescription."));
            m_prescription = reply->prescription;
            m_dispensesBefore = reply->dispenses.size();
            m_detailRead = true;
            onLoaded();
        });
    loadStock();
}

void DispenseDialog::loadStock()
{
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    // One read per drug (the search is a prefix: the exact code is picked from its answer).
    QSet<QString> codes;
    for (const protocol::PendingPrescriptionLine& line : m_prescription.lines)
        codes.insert(line.prescription.drugCode);
    m_stock.clear();
    m_stockReadsLeft = int(codes.size());
    for (const QString& code : std::as_const(codes)) {
        protocol::StockListRequest request;
        request.query = code;
        request.limit = 1000;
        bus::request(
            *connection, protocol::kStockList, request, m_reads,
            [this, code](bus::Result<protocol::StockListReply> reply) {
                if (!reply)
                    return setStatus(
                        tr("The stock could not be read: %1").arg(userText(reply.error())));
                for (const protocol::StockItem& item : reply->items)
                    if (item.drugCode == code)
                        m_stock.append(item);
                --m_stockReadsLeft;
                onLoaded();
            });
    }
}

void DispenseDialog::onLoaded()
{
    if (!m_detailRead || m_stockReadsLeft > 0)
        return;
    m_plan = DispensePlan::make(m_prescription, m_stock, true, QDate::currentDate());
    const bool first = m_rows.isEmpty();
    if (first)
        buildLines();
    updatePlanTexts();
    showErrors(false);
    if (first)
        setStatus({});
    m_header->setText(tr("%1 · prescribed by %2, %3")
                          .arg(m_prescription.patientName, m_prescription.prescribedBy.name,
                               m_prescription.prescribedAt.toLocalTime().toString(
                                   QStringLiteral("yyyy-MM-dd HH:mm"))));
    m_ready = true;
    setBusy(false);
    if (first && !m_rows.isEmpty())
        m_rows.constFirst().quantity->setFocus();
    Q_EMIT ready();
}

void DispenseDialog::buildLines()
{
    for (qsizetype i = 0; i < m_plan.size(); ++i) {
        const DispenseLinePlan& p = m_plan.at(i);
        const protocol::PrescriptionLine& line = m_prescription.lines.at(i).prescription;
        const int gridRow = 1 + int(i) * 2;
        LineRow row;
        QStringList how{line.dose, line.frequency, tr("%n days", nullptr, line.durationDays)};
        if (!line.route.isEmpty())
            how.insert(1, line.route);
        row.drug = new QLabel(tr("%1\n%2").arg(p.drugName, how.join(QStringLiteral(", "))), this);
        row.drug->setWordWrap(true);
        row.remaining = new QLabel(this);
        row.remaining->setObjectName(QStringLiteral("remaining_%1").arg(i));
        row.quantity = new QSpinBox(this);
        row.quantity->setObjectName(QStringLiteral("quantity_%1").arg(i));
        row.quantity->setRange(0, std::max(p.remaining, 0));
        row.quantity->setValue(p.remaining);
        row.quantity->setAccessibleName(tr("Quantity to give of %1").arg(p.drugName));
        row.drug->setBuddy(row.quantity);
        row.batch = new QLabel(this);
        row.batch->setObjectName(QStringLiteral("batch_%1").arg(i));
        row.batch->setWordWrap(true);
        row.error = errorLine(this, QStringLiteral("lineError_%1").arg(i));
        m_grid->addWidget(row.drug, gridRow, 0);
        m_grid->addWidget(row.remaining, gridRow, 1);
        m_grid->addWidget(row.quantity, gridRow, 2, Qt::AlignTop);
        m_grid->addWidget(row.batch, gridRow, 3);
        m_grid->addWidget(row.error, gridRow + 1, 0, 1, 4);
        connect(row.quantity, &QSpinBox::valueChanged, this, [this] {
            m_serverErrors.clear(); // a new choice: the last refusal no longer applies
            showErrors(!m_notesError->isHidden());
        });
        m_rows.append(row);
    }
}

void DispenseDialog::updatePlanTexts()
{
    for (qsizetype i = 0; i < m_plan.size() && i < m_rows.size(); ++i) {
        const DispenseLinePlan& p = m_plan.at(i);
        const LineRow& row = m_rows.at(i);
        {
            // What remains may have changed (read again after a refusal); not a user's edit.
            const QSignalBlocker quiet(row.quantity);
            row.quantity->setMaximum(std::max(p.remaining, 0));
        }
        row.remaining->setText(
            p.dispensed > 0
                ? tr("%1 of %2 (%3 given)").arg(p.remaining).arg(p.prescribed).arg(p.dispensed)
                : tr("%1 of %2").arg(p.remaining).arg(p.prescribed));
        QString batch;
        if (const std::optional<protocol::BatchQuantity> first = p.suggested()) {
            batch = tr("%1, expires %2").arg(first->batch, first->expiry.toString(Qt::ISODate));
            batch += u'\n' + tr("%1 in unexpired stock").arg(QLocale().toString(p.available));
            if (p.batches.size() > 1)
                batch += u' ' + tr("(then %n more batch(es))", nullptr, int(p.batches.size() - 1));
        } else {
            batch = tr("No unexpired stock");
        }
        row.batch->setText(batch);
        row.batch->setAccessibleName(tr("Suggested batch for %1").arg(p.drugName));
        row.quantity->setAccessibleDescription(
            tr("%1 remain; %2 in unexpired stock").arg(p.remaining).arg(p.available));
    }
}

QList<int> DispenseDialog::quantities() const
{
    QList<int> values;
    for (const LineRow& row : m_rows)
        values.append(row.quantity->value());
    return values;
}

void DispenseDialog::showErrors(bool withNotes)
{
    const DispenseCheck check = DispensePlan::check(m_plan, quantities(), m_notes->toPlainText());
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const int index = int(i);
        QString text = m_serverErrors.value(index, check.lineErrors.value(index));
        QLabel* error = m_rows.at(i).error;
        // A sign as well as the colour; the spin box's description carries it to a reader.
        error->setText(text.isEmpty() ? QString() : tr("⚠ %1").arg(text));
        error->setVisible(!text.isEmpty());
        QSpinBox* box = m_rows.at(i).quantity;
        box->setAccessibleDescription(text.isEmpty() ? QString() : text);
    }
    const QString notes = withNotes ? check.notesError : QString();
    m_notesError->setText(notes);
    m_notesError->setVisible(!notes.isEmpty());
    m_notes->setAccessibleDescription(
        notes.isEmpty() ? tr("Required when less than prescribed is given.") : notes);
}

void DispenseDialog::setBusy(bool busy)
{
    for (const LineRow& row : std::as_const(m_rows))
        row.quantity->setEnabled(!busy);
    m_notes->setEnabled(!busy);
    m_dispense->setEnabled(!busy && m_ready);
    m_close->setEnabled(!busy);
}

void DispenseDialog::dispense()
{
    bus::Connection* connection = m_session.connection();
    if (!m_ready || !connection || !m_dispense->isEnabled())
        return;
    m_serverErrors.clear();
    const QList<int> chosen = quantities();
    const DispenseCheck check = DispensePlan::check(m_plan, chosen, m_notes->toPlainText());
    showErrors(true);
    if (!check.ok()) {
        setStatus(check.summary.isEmpty() ? tr("Nothing was dispensed: correct what is marked.")
                                          : check.summary);
        if (!check.notesError.isEmpty() && check.lineErrors.isEmpty())
            m_notes->setFocus();
        else if (!check.lineErrors.isEmpty())
            m_rows.at(check.lineErrors.keys().constFirst()).quantity->setFocus();
        return;
    }
    // A repeat after a read found it not done goes through the bar (same request id).
    if (m_command)
        m_command->deleteLater();
    protocol::DispenseRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::Pharmacist});
    request.consultationId = m_prescription.consultationId;
    request.notes = m_notes->toPlainText().trimmed();
    m_sentLines.clear();
    for (qsizetype i = 0; i < m_plan.size(); ++i) {
        if (chosen.at(i) <= 0)
            continue;
        request.lines.append({m_plan.at(i).line, chosen.at(i)});
        m_sentLines.append(int(i));
    }
    setStatus({});
    m_command = dispenseCommand(*connection, request, m_dispensesBefore, this);
    m_outcome->follow(m_command, tr("Dispensing to %1").arg(m_prescription.patientName));
    connect(m_command, &Command::phaseChanged, this, [this](Command::Phase phase) {
        using Phase = Command::Phase;
        const bool unknown = phase == Phase::Checked &&
                             m_command->lastCheck().verdict == OutcomeCheck::Verdict::Unknown;
        setBusy(phase == Phase::Sending || phase == Phase::Checking || unknown);
        if (unknown)
            m_close->setEnabled(true); // the bar offers Check again; closing is allowed
    });
    connect(m_command, &Command::succeeded, this, [this](const bus::Message& reply) {
        if (std::optional<protocol::Dispense> done = dispenseFromReply(reply.data))
            return finish(*done);
        setStatus(tr("Dispensed, but the answer could not be read."));
    });
    connect(m_command, &Command::failed, this, &DispenseDialog::onFailed);
    connect(m_command, &Command::checked, this, [this](const OutcomeCheck& outcome) {
        if (outcome.verdict == OutcomeCheck::Verdict::Done)
            if (std::optional<protocol::Dispense> done = dispenseFromReply(outcome.readBody))
                finish(*done);
    });
    m_command->start();
}

void DispenseDialog::onFailed(const bus::BusError& error)
{
    // 409 for a line: "lines[i].quantity", i the request's index.
    static const QRegularExpression linePattern(QStringLiteral("^lines\\[(\\d+)\\]\\."));
    const QRegularExpressionMatch match = linePattern.match(error.field);
    if (error.code == 409 && match.hasMatch()) {
        const int sent = match.captured(1).toInt();
        const int index = m_sentLines.value(sent, -1);
        if (index >= 0) {
            const bool shortStock = error.message.contains(u"stock", Qt::CaseInsensitive);
            m_serverErrors.insert(index, shortStock
                                             ? tr("Insufficient stock. %1").arg(error.message)
                                             : error.message);
            m_outcome->clear(); // the message is next to its line
            setStatus(tr("Nothing was dispensed: see the line marked in red."));
            showErrors(false);
            m_rows.at(index).quantity->setFocus();
        }
        m_ready = false;
        load(); // the stock (or the prescription) changed: show it as it is now
    }
    // Otherwise the outcome bar says why (and offers Try again when that is safe).
}

void DispenseDialog::finish(const protocol::Dispense& dispense)
{
    m_session.notify(
        dispense.partial
            ? tr("Part of the prescription was dispensed to %1.").arg(m_prescription.patientName)
            : tr("Dispensed to %1.").arg(m_prescription.patientName));
    Q_EMIT dispensed(dispense);
    accept();
}

void DispenseDialog::reject()
{
    if (m_command && (m_command->phase() == Command::Phase::Sending ||
                      m_command->phase() == Command::Phase::Checking))
        return; // the answer (or the read) is on its way
    QDialog::reject();
}

} // namespace openopd::app
