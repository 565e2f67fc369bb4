#include "ui/reception/reception_workspace.h"

#include <QLabel>
#include <QVBoxLayout>

namespace openopd::app {

ReceptionWorkspace::ReceptionWorkspace(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("The reception desk is being assembled."), this));
}

} // namespace openopd::app
