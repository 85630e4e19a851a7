//! The verified header and claims as Python objects, built straight from the JSON the
//! core validated (no second JSON parser, no text round trip).
//!
//! The result is what `json.loads` gives for the same text: strings unescaped
//! (surrogate pairs combined), integers as exact `int` whatever their size, other
//! numbers as the nearest `float` (`1e999` is `inf`, as with `json.loads`), `true`,
//! `false`, `null` as `True`, `False`, `None`, arrays as lists and objects as dicts in
//! document order. The core rejected duplicate member names, so no member is dropped.
//! Recursion is bounded by the core's nesting limit (`json::MAX_DEPTH`).

use jwtguard_core::json::{Object, Str, Value};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString};

/// `document` (a JSON object the core already accepted) as a Python `dict`.
pub(crate) fn to_dict<'py>(py: Python<'py>, document: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let object = Object::parse(document).map_err(|e| PyValueError::new_err(e.describe()))?;
    Ok(dict(py, object)?.into_any())
}

fn dict<'py>(py: Python<'py>, object: Object<'_>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in object.members() {
        dict.set_item(string(py, name), value_to_py(py, value)?)?;
    }
    Ok(dict)
}

fn value_to_py<'py>(py: Python<'py>, value: Value<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::String(s) => string(py, s).into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None if n.text().bytes().all(|b| b == b'-' || b.is_ascii_digit()) => {
                py.get_type::<PyInt>().call1((n.text(),))?
            }
            None => {
                let float: f64 = n.text().parse().map_err(|_| PyValueError::new_err("malformed JSON number"))?;
                PyFloat::new(py, float).into_any()
            }
        },
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items.iter() {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(object) => dict(py, object)?.into_any(),
    })
}

fn string<'py>(py: Python<'py>, s: Str<'_>) -> Bound<'py, PyString> {
    match s.as_plain() {
        Some(plain) => PyString::new(py, plain),
        None => PyString::new(py, &s.chars().collect::<String>()),
    }
}
