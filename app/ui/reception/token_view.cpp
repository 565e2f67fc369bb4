#include "ui/reception/token_view.h"

#include "core/reception/waiting_list_model.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace openopd::app {

TokenView::TokenView(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);

    m_caption = new QLabel(tr("Token"), this);
    m_caption->setAlignment(Qt::AlignHCenter);
    layout->addWidget(m_caption);

    m_token = new QLabel(this);
    m_token->setObjectName(QStringLiteral("token"));
    m_token->setAlignment(Qt::AlignHCenter);
    m_token->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_token->font();
    big.setPointSizeF(big.pointSizeF() * 6);
    big.setBold(true);
    m_token->setFont(big);
    layout->addWidget(m_token);

    m_patient = new QLabel(this);
    m_patient->setObjectName(QStringLiteral("patient"));
    m_patient->setAlignment(Qt::AlignHCenter);
    m_patient->setWordWrap(true);
    QFont name = m_patient->font();
    name.setPointSizeF(name.pointSizeF() * 1.6);
    name.setBold(true);
    m_patient->setFont(name);
    layout->addWidget(m_patient);

    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setAlignment(Qt::AlignHCenter);
    m_details->setWordWrap(true);
    layout->addWidget(m_details);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    m_print = new QPushButton(tr("&Print slip…"), this);
    m_print->setObjectName(QStringLiteral("printSlip"));
    m_print->setAccessibleName(tr("Print the token slip"));
    buttons->addWidget(m_print);
    m_save = new QPushButton(tr("&Save slip as PDF…"), this);
    m_save->setObjectName(QStringLiteral("saveSlip"));
    m_save->setAccessibleName(tr("Save the token slip as a PDF file"));
    buttons->addWidget(m_save);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("slipMessage"));
    m_message->setAccessibleDescription(tr("Token slip status"));
    m_message->setAlignment(Qt::AlignHCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    layout->addStretch();

    m_writer = new TokenSlipFileWriter(this);
    connect(m_writer, &TokenSlipFileWriter::finished, this, &TokenView::onWritten);
    connect(m_print, &QPushButton::clicked, this, &TokenView::printSlip);
    connect(m_save, &QPushButton::clicked, this, &TokenView::chooseSlipFile);
}

TokenView::~TokenView() = default;

void TokenView::setVisit(const protocol::Visit& visit, const QString& mrn,
                         const QString& clinicName)
{
    m_slip = TokenSlip::fromVisit(visit, mrn, clinicName);
    m_token->setText(QString::number(visit.token));
    m_token->setAccessibleName(tr("Token %1").arg(visit.token));
    m_patient->setText(visit.patientName);
    m_details->setText(
        tr("Queue: %1 · %2").arg(visit.queue, WaitingListModel::priorityText(visit.priority)));
    m_message->clear();
}

QString TokenView::tokenText() const
{
    return m_token->text();
}

QString TokenView::defaultSlipPath() const
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    const QString day = m_slip.openedAt.isValid()
                            ? m_slip.openedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd"))
                            : QString();
    return QDir(dir).filePath(
        QStringLiteral("token-%1-%2-%3.pdf").arg(m_slip.queue).arg(m_slip.token).arg(day));
}

void TokenView::printSlip()
{
    if (!m_printer) {
        m_printer = std::make_unique<QPrinter>(QPrinter::HighResolution);
        m_printer->setPageSize(TokenSlip::pageSize());
        m_printer->setDocName(tr("Token %1").arg(m_slip.token));
    }
    auto* dialog = new QPrintDialog(m_printer.get(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Print the token slip"));
    connect(dialog, qOverload<QPrinter*>(&QPrintDialog::accepted), this, [this](QPrinter*) {
        QPainter painter;
        if (!painter.begin(m_printer.get())) {
            m_message->setText(tr("The printer could not be started."));
            return;
        }
        const QRectF page = m_printer->pageRect(QPrinter::DevicePixel);
        m_slip.paint(painter, QRectF(QPointF(0, 0), page.size()));
        painter.end();
        m_message->setText(tr("The slip was sent to the printer."));
        Q_EMIT slipPrinted();
    });
    dialog->open();
}

void TokenView::chooseSlipFile()
{
    auto* dialog =
        new QFileDialog(this, tr("Save the token slip"), defaultSlipPath(), tr("PDF (*.pdf)"));
    dialog->setObjectName(QStringLiteral("saveSlipDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("pdf"));
    // Qt's own dialog: the platform's may block this thread while it is open.
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    connect(dialog, &QFileDialog::fileSelected, this, &TokenView::saveSlipTo);
    dialog->open();
}

void TokenView::saveSlipTo(const QString& path)
{
    if (!m_writer->write(m_slip.toPdf(), path)) {
        m_message->setText(tr("Still saving the previous slip; try again in a moment."));
        return;
    }
    m_save->setEnabled(false);
    m_message->setText(tr("Saving the slip to %1…").arg(QDir::toNativeSeparators(path)));
}

void TokenView::onWritten(const QString& path, const QString& error)
{
    m_save->setEnabled(true);
    if (!error.isEmpty()) {
        m_message->setText(error);
        Q_EMIT slipSaveFailed(path, error);
        return;
    }
    m_message->setText(tr("The slip was saved to %1.").arg(QDir::toNativeSeparators(path)));
    Q_EMIT slipSaved(path);
}

} // namespace openopd::app
