"""The city's classifier ranks by first-level mass (gaps11b, ``classifier.city.rank``): a city
that splits a problem over several children (市容环境: 垃圾清运, 占道经营…) is not beaten by an
undivided corpus category only because its children share the evidence."""

from __future__ import annotations

import numpy as np

from zhizhi.intelligence.classifier import city

CLASSES = ["CXJS", "JYWT", "SRHJ.01", "SRHJ.02"]
PARENTS: dict[str, str | None] = {
    "CXJS": None,
    "JYWT": None,
    "SRHJ": None,
    "SRHJ.01": "SRHJ",
    "SRHJ.02": "SRHJ",
}


def test_the_first_level_with_most_mass_comes_first() -> None:
    p = np.array([0.30, 0.25, 0.20, 0.25])
    tops = city.first_levels(CLASSES, PARENTS)
    assert tops == {"CXJS": "CXJS", "JYWT": "JYWT", "SRHJ.01": "SRHJ", "SRHJ.02": "SRHJ"}
    assert [CLASSES[i] for i in city.rank(p, CLASSES, None)] == ["CXJS", "JYWT", "SRHJ.02", "SRHJ.01"]
    # 市容环境 holds 0.45 together: its best child first, then its other child, then the rest
    assert [CLASSES[i] for i in city.rank(p, CLASSES, tops)] == ["SRHJ.02", "SRHJ.01", "CXJS", "JYWT"]
    # one clear leaf elsewhere still wins
    assert CLASSES[city.rank(np.array([0.6, 0.1, 0.15, 0.15]), CLASSES, tops)[0]] == "CXJS"


def test_training_stores_the_mapping_and_prediction_uses_it() -> None:
    confirmed = []
    for i in range(12):
        confirmed += [(f"路边摊贩占道经营第{i}次", "SRHJ.02"), (f"小区垃圾桶满了没人清运第{i}次", "SRHJ.01")]
    base = [(f"工地施工噪音扰民第{i}次", "CXJS") for i in range(12)]
    base += [(f"学校收费不合理第{i}次", "JYWT") for i in range(12)]
    trained = city.train_city(confirmed, base, PARENTS, min_samples=3)
    tops = trained.metadata["first_level"]
    assert tops["SRHJ.02"] == "SRHJ" and tops["CXJS"] == "CXJS"
    ranked, _ = city.predict(trained.model, "路边摊贩占道经营", tops)
    assert ranked[0][0] == "SRHJ.02"
    assert city.predict_codes(trained.model, ["小区垃圾桶满了没人清运"], tops) == ["SRHJ.01"]
