#!/usr/bin/python3
"""scikit-learn reference for the project's logistic regression (golden fixture, not run in CI).

Usage (Debian's python3-sklearn; CI has no scikit-learn, the test reads the committed fixture):
    npx tsx scripts/sklearn-reference-export.ts /tmp/sklearn-lr-input.json
    /usr/bin/python3 scripts/sklearn-reference.py /tmp/sklearn-lr-input.json \
        src/core/tabular/baselines/fixtures/sklearn-logreg.json

The input holds, per shipped dataset and per fold of the project's seeded stratified 5-fold split, the design
matrix made by the project's preprocessing (src/core/tabular/baselines/sklearnReference.ts says which). For each
fold this fits make_pipeline(StandardScaler(), LogisticRegression()) with every default (L2, C = 1, lbfgs,
tol = 1e-4, max_iter = 100; binary targets -> the binomial loss) and records the test AUC of P(class 1), the
coefficients (on the standardised columns) and intercept, the iterations used and whether lbfgs converged. It
also fits the same pipeline to convergence (tol = 1e-10, max_iter = 10000): the exact optimum, which the
coefficient check compares against, since the default stop is version-dependent.
"""
import json
import sys
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def fit(x_train, y_train, x_test, y_test, **lr):
    pipe = make_pipeline(StandardScaler(), LogisticRegression(**lr))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        pipe.fit(x_train, y_train)
    model = pipe[-1]
    p = pipe.predict_proba(x_test)[:, 1]
    return {
        "auc": round(float(roc_auc_score(y_test, p)), 8),
        "coef": [round(float(v), 8) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 8),
        "nIter": int(model.n_iter_[0]),
        "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught),
    }


def main(src, dst):
    with open(src) as f:
        data = json.load(f)
    out = {
        "about": "scikit-learn make_pipeline(StandardScaler(), LogisticRegression()) on the project's design matrices "
                 "and seeded folds; made by scripts/sklearn-reference.py from scripts/sklearn-reference-export.ts",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "seed": data["seed"], "folds": data["folds"], "datasets": [],
    }
    for ds in data["datasets"]:
        folds = []
        for fd in ds["folds"]:
            d = fd["d"]
            xtr = np.asarray(fd["trainX"], dtype=np.float64).reshape(-1, d)
            xte = np.asarray(fd["testX"], dtype=np.float64).reshape(-1, d)
            ytr = np.asarray(fd["trainY"])
            yte = np.asarray(fd["testY"])
            default = fit(xtr, ytr, xte, yte)
            tight = fit(xtr, ytr, xte, yte, tol=1e-10, max_iter=10000)
            folds.append({"d": d, "nTrain": len(ytr), "nTest": len(yte), "default": default, "converged": tight})
        mean_auc = float(np.mean([f["default"]["auc"] for f in folds]))
        out["datasets"].append({"id": ds["id"], "meanAuc": round(mean_auc, 8), "folds": folds})
        print(f"{ds['id']:<24} mean AUC {mean_auc:.4f}  iters {[f['default']['nIter'] for f in folds]}  "
              f"converged {[f['default']['converged'] for f in folds]}", file=sys.stderr)
    with open(dst, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
