"""A fixed set of contributions' texts for the themes tests: three things people said about
going home from hospital, four times each in different words."""

TEXTS = {
    1: "Waiting all day for my tablets. The pharmacy medicines came at six in the evening.",
    2: "Medicines from pharmacy arrive late, so patients wait for tablets on the ward.",
    3: "Pharmacy queue at discharge time: every prescription for medicines arrives at once.",
    4: "Nobody said when the tablets would come from pharmacy; we waited for medicines.",
    5: "Hospital transport came at 9pm and the ambulance driver could not find the house.",
    6: "Transport was booked for the afternoon but the ambulance came late at night.",
    7: "No transport home: my son had to leave work to drive me, the ambulance never came.",
    8: "Patient transport home is unreliable; the ambulance crews are stretched.",
    9: "Nobody to phone the first night at home. Call 07700 900123 was all we were given.",
    10: "The first night at home I did not know who to phone about my mum's care.",
    11: "A phone number for the first week at home would help carers at night.",
    12: "Carers need someone to phone at night in the first week; email jo@example.org.",
}
