// The demo formulary of --seed-demo: 40 drugs common in an outpatient department, with
// batches whose expiry is counted from the day of seeding. Several batches expire within two
// months (IB-2406-A, MZ-2406-A, SB-2409-A, PA-2407-A, AR-2409-A, CP-2407-A, AL-2407-A),
// AM-2405-A and CH-2406-A have expired, and AZI250, LOSA50, BECL100, LOPE2 and CLOT1 start at
// or below their reorder level.

#include "pharmacy/demo_seed.h"

namespace openopd::pharmacy {

namespace {

DemoDrug drug(const char* code, const char* name, const char* unit, int reorderLevel,
              QList<DemoBatch> batches)
{
    return {QString::fromLatin1(code), QString::fromUtf8(name), QString::fromLatin1(unit),
            reorderLevel, std::move(batches)};
}

DemoBatch batch(const char* code, int expiresInDays, int quantity)
{
    return {QString::fromLatin1(code), expiresInDays, quantity};
}

} // namespace

QList<DemoDrug> demoFormulary()
{
    return {
        drug("PARA500", "Paracetamol 500 mg tablet", "tablet", 500,
             {batch("PA-2407-A", 40, 300), batch("PA-2411-B", 420, 2000),
              batch("PA-2502-C", 690, 1500)}),
        drug("PARA120S", "Paracetamol 120 mg/5 mL oral suspension", "bottle 100 mL", 30,
             {batch("PS-2408-A", 210, 60), batch("PS-2501-B", 540, 80)}),
        drug("IBU400", "Ibuprofen 400 mg tablet", "tablet", 300,
             {batch("IB-2406-A", 25, 120), batch("IB-2410-B", 380, 900)}),
        drug("DICL50", "Diclofenac sodium 50 mg gastro-resistant tablet", "tablet", 200,
             {batch("DC-2409-A", 300, 600)}),
        drug("AMOX500", "Amoxicillin 500 mg capsule", "capsule", 300,
             {batch("AM-2405-A", -10, 45), batch("AM-2409-B", 160, 400),
              batch("AM-2502-C", 600, 1000)}),
        drug("AMOX250S", "Amoxicillin 250 mg/5 mL powder for oral suspension", "bottle 100 mL", 40,
             {batch("AS-2410-A", 240, 90)}),
        drug("AMCL625", "Amoxicillin/clavulanic acid 500/125 mg tablet", "tablet", 150,
             {batch("AC-2408-A", 120, 210), batch("AC-2503-B", 640, 300)}),
        drug("AZI250", "Azithromycin 250 mg tablet", "tablet", 60, {batch("AZ-2409-A", 330, 48)}),
        drug("CIPR500", "Ciprofloxacin 500 mg tablet", "tablet", 100,
             {batch("CP-2407-A", 55, 100), batch("CP-2412-B", 500, 300)}),
        drug("DOXY100", "Doxycycline 100 mg capsule", "capsule", 100,
             {batch("DX-2410-A", 410, 500)}),
        drug("METR400", "Metronidazole 400 mg tablet", "tablet", 200,
             {batch("MZ-2406-A", 20, 150), batch("MZ-2411-B", 450, 700)}),
        drug("CTX480", "Co-trimoxazole 400/80 mg tablet", "tablet", 200,
             {batch("CT-2409-A", 350, 800)}),
        drug("NITF100", "Nitrofurantoin 100 mg capsule", "capsule", 60,
             {batch("NF-2410-A", 380, 140)}),
        drug("FLUC150", "Fluconazole 150 mg capsule", "capsule", 20, {batch("FL-2411-A", 470, 40)}),
        drug("ORS", "Oral rehydration salts (low osmolarity) sachet", "sachet", 200,
             {batch("OR-2407-A", 90, 350), batch("OR-2502-B", 620, 1200)}),
        drug("ZINC20", "Zinc sulfate 20 mg dispersible tablet", "tablet", 150,
             {batch("ZN-2410-A", 400, 600)}),
        drug("MET500", "Metformin 500 mg tablet", "tablet", 600,
             {batch("MF-2408-A", 150, 1000), batch("MF-2501-B", 560, 3000)}),
        drug("GLIB5", "Glibenclamide 5 mg tablet", "tablet", 200, {batch("GB-2409-A", 310, 500)}),
        drug("AMLO5", "Amlodipine 5 mg tablet", "tablet", 400,
             {batch("AL-2407-A", 60, 250), batch("AL-2412-B", 520, 1500)}),
        drug("ENAL10", "Enalapril 10 mg tablet", "tablet", 200, {batch("EN-2410-A", 390, 700)}),
        drug("LOSA50", "Losartan 50 mg tablet", "tablet", 200, {batch("LS-2411-A", 440, 120)}),
        drug("HCTZ25", "Hydrochlorothiazide 25 mg tablet", "tablet", 200,
             {batch("HZ-2409-A", 330, 900)}),
        drug("ATEN50", "Atenolol 50 mg tablet", "tablet", 150, {batch("AT-2410-A", 360, 400)}),
        drug("ATOR20", "Atorvastatin 20 mg tablet", "tablet", 200,
             {batch("AV-2408-A", 170, 300), batch("AV-2503-B", 650, 900)}),
        drug("ASP75", "Aspirin 75 mg dispersible tablet", "tablet", 200,
             {batch("AP-2411-A", 480, 1000)}),
        drug("SALB100", "Salbutamol 100 micrograms/dose inhaler (200 doses)", "inhaler", 20,
             {batch("SB-2409-A", 35, 12), batch("SB-2502-B", 610, 40)}),
        drug("BECL100", "Beclometasone 100 micrograms/dose inhaler (200 doses)", "inhaler", 10,
             {batch("BC-2411-A", 460, 8)}),
        drug("PRED5", "Prednisolone 5 mg tablet", "tablet", 200, {batch("PD-2410-A", 400, 800)}),
        drug("CETI10", "Cetirizine 10 mg tablet", "tablet", 150, {batch("CZ-2409-A", 300, 500)}),
        drug("CHLO4", "Chlorphenamine 4 mg tablet", "tablet", 150,
             {batch("CH-2406-A", -30, 60), batch("CH-2411-B", 430, 400)}),
        drug("OMEP20", "Omeprazole 20 mg gastro-resistant capsule", "capsule", 200,
             {batch("OM-2408-A", 140, 300), batch("OM-2502-B", 580, 800)}),
        drug("MGTR", "Magnesium trisilicate compound tablet", "tablet", 200,
             {batch("MG-2410-A", 380, 600)}),
        drug("METO10", "Metoclopramide 10 mg tablet", "tablet", 100,
             {batch("MC-2409-A", 290, 250)}),
        drug("LOPE2", "Loperamide 2 mg capsule", "capsule", 100, {batch("LP-2411-A", 450, 90)}),
        drug("ALBE400", "Albendazole 400 mg chewable tablet", "tablet", 50,
             {batch("AB-2410-A", 400, 200)}),
        drug("FESF", "Ferrous sulfate 200 mg + folic acid 0.4 mg tablet", "tablet", 300,
             {batch("FE-2408-A", 130, 800), batch("FE-2502-B", 600, 1200)}),
        drug("FOLA5", "Folic acid 5 mg tablet", "tablet", 100, {batch("FA-2411-A", 470, 500)}),
        drug("ARTL", "Artemether/lumefantrine 20/120 mg tablet (pack of 24)", "pack", 30,
             {batch("AR-2409-A", 45, 25), batch("AR-2503-B", 660, 120)}),
        drug("HYDC1", "Hydrocortisone 1% cream 15 g", "tube", 20, {batch("HC-2410-A", 420, 60)}),
        drug("CLOT1", "Clotrimazole 1% cream 20 g", "tube", 20, {batch("CL-2409-A", 320, 15)}),
    };
}

} // namespace openopd::pharmacy
