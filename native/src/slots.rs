//! The slots of `cleanse.model.Line` and `cleanse.features.LineFeatures`, read and written in
//! place.
//!
//! Both classes are slotted dataclasses: each field is a member descriptor of the class that
//! reads or writes one object pointer at a fixed offset in the instance. `getattr` finds that
//! descriptor through the type's attribute cache and then reads the pointer (~40-75 ns a
//! call): the passes read several attributes of every line in every pass, thousands a page,
//! and the core makes every line's `LineFeatures` by setting its fifteen slots. Here the
//! offsets are found once per class (`register_slots`, at import), and a slot of an instance
//! of exactly that class is read or set at its offset (`SlotAttr::slot`, `set_slot`); any
//! other object, any other name and an unset slot go through `getattr`/`object.__setattr__`,
//! which give what they always gave (an unset slot raises AttributeError there).
//!
//! The offsets are found without relying on CPython's descriptor layout: an instance made by
//! `object.__new__` gets a distinct sentinel in each slot through `object.__setattr__`; each
//! sentinel's address must appear exactly once among the pointer-sized words of the instance
//! (its `__basicsize__`), and each slot is read back to check. A class whose slots cannot be
//! placed so is not registered (its attributes keep going through `getattr`). Reading in
//! place assumes that the classes' descriptors are not replaced after registration (they
//! are the package's own dataclasses).

use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};

/// One registered class: its type object (by address) and each slot's interned name (by
/// address, kept alive here) and offset.
struct Table {
    ty: usize,
    slots: Vec<(Py<PyString>, usize)>,
}

/// The registered classes (LineFeatures and Line), set at import time.
static TABLES: [OnceLock<Table>; 2] = [OnceLock::new(), OnceLock::new()];

/// Registers the slotted class `cls` (its `__slots__`, each a member descriptor of its own).
/// Returns whether its slots are now read and set in place.
#[pyfunction]
pub(crate) fn register_slots(cls: &Bound<'_, PyType>) -> PyResult<bool> {
    let py = cls.py();
    if TABLES.iter().any(|t| t.get().is_some_and(|t| t.ty == cls.as_ptr() as usize)) {
        return Ok(true);
    }
    let Some(free) = TABLES.iter().find(|t| t.get().is_none()) else { return Ok(false) };
    let Ok(names) = cls.getattr("__slots__")?.downcast::<PyTuple>()?.extract::<Vec<String>>()
    else { return Ok(false) };
    let member = py.import("types")?.getattr("MemberDescriptorType")?;
    let own = cls.getattr("__dict__")?;
    for name in &names {
        if !own.get_item(name)?.is_instance(&member)? {
            return Ok(false);
        }
    }
    let basicsize: usize = cls.getattr("__basicsize__")?.extract()?;
    let object = py.import("builtins")?.getattr("object")?;
    let instance = object.call_method1("__new__", (cls,))?;
    let sentinels: Vec<Bound<'_, PyAny>> = names.iter().map(|_| object.call0())
        .collect::<PyResult<_>>()?;
    for (name, sentinel) in names.iter().zip(&sentinels) {
        object.call_method1("__setattr__", (&instance, name, sentinel))?;
    }
    let word = std::mem::size_of::<*mut ffi::PyObject>();
    let base = instance.as_ptr().cast::<u8>();
    let mut slots = Vec::with_capacity(names.len());
    for (name, sentinel) in names.iter().zip(&sentinels) {
        // SAFETY: the instance is alive (held by `instance`) and `basicsize` bytes long; the
        // words read lie within it, at pointer-aligned offsets.
        let found: Vec<usize> = (0..basicsize / word).map(|i| i * word).filter(|&offset| unsafe {
            base.add(offset).cast::<*mut ffi::PyObject>().read() == sentinel.as_ptr()
        }).collect();
        let [offset] = found[..] else { return Ok(false) };
        slots.push((PyString::intern(py, name).unbind(), offset));
    }
    let table = Table { ty: cls.as_ptr() as usize, slots };
    for ((name, _), sentinel) in table.slots.iter().zip(&sentinels) {
        if !read(&instance, &table, name.bind(py)).is_some_and(|value| value.is(sentinel)) {
            return Ok(false);
        }
    }
    Ok(free.set(table).is_ok())
}

/// The table of `object`'s class, if registered.
#[inline]
fn table_of(object: &Bound<'_, PyAny>) -> Option<&'static Table> {
    // SAFETY: a live object's type pointer.
    let ty = unsafe { ffi::Py_TYPE(object.as_ptr()) } as usize;
    TABLES.iter().filter_map(OnceLock::get).find(|t| t.ty == ty)
}

/// Where slot `name` lies in instances of `table`'s class.
#[inline]
fn offset(table: &Table, name: &Bound<'_, PyString>) -> Option<usize> {
    table.slots.iter().find(|(n, _)| n.as_ptr() == name.as_ptr()).map(|&(_, offset)| offset)
}

/// The slot `name` of `object` (an instance of exactly `table`'s class) read in place; None
/// when it is not one of its slots or is unset.
#[inline]
fn read<'py>(object: &Bound<'py, PyAny>, table: &Table, name: &Bound<'py, PyString>)
             -> Option<Bound<'py, PyAny>> {
    let offset = offset(table, name)?;
    // SAFETY: `object` is an instance of the class whose slot lies at `offset`: a pointer to
    // a live object, or null when unset.
    let value = unsafe {
        object.as_ptr().cast::<u8>().add(offset).cast::<*mut ffi::PyObject>().read()
    };
    if value.is_null() {
        return None;
    }
    // SAFETY: a live object the instance holds a reference to; the Bound takes its own.
    Some(unsafe { Bound::from_borrowed_ptr(object.py(), value) })
}

/// `getattr(object, name)`, read in place for a slot of a registered class.
pub(crate) trait SlotAttr<'py> {
    fn slot(&self, name: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>>;

    /// The attribute as a float, as `extract::<f64>()` gives it (`PyFloat_AsDouble`).
    fn slot_f64(&self, name: &Bound<'py, PyString>) -> PyResult<f64>;
}

impl<'py> SlotAttr<'py> for Bound<'py, PyAny> {
    #[inline]
    fn slot(&self, name: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(value) = table_of(self).and_then(|table| read(self, table, name)) {
            return Ok(value);
        }
        self.getattr(name)
    }

    #[inline]
    fn slot_f64(&self, name: &Bound<'py, PyString>) -> PyResult<f64> {
        float(&self.slot(name)?)
    }
}

/// `value` as a float, as `extract::<f64>()` gives it. That is `PyFloat_AsDouble`, which for
/// an int (the features' counts) calls `int.__float__` and reads the float it makes:
/// `PyLong_AsDouble` gives the same double without making one.
#[inline]
pub(crate) fn float(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    // SAFETY: a live object; the GIL is held.
    if unsafe { ffi::PyLong_CheckExact(value.as_ptr()) } != 0 {
        // SAFETY: as above; -1.0 with an exception set is an error (an int too large).
        let number = unsafe { ffi::PyLong_AsDouble(value.as_ptr()) };
        if number == -1.0 {
            if let Some(error) = PyErr::take(value.py()) {
                return Err(error);
            }
        }
        return Ok(number);
    }
    value.extract()
}

/// `object.__setattr__(object, name, value)` (which sets a slot of a frozen dataclass, whose
/// own `__setattr__` refuses): in place for a slot of a registered class, as the member
/// descriptor does (the new value referenced, the old one released).
pub(crate) fn set_slot(object: &Bound<'_, PyAny>, name: &Bound<'_, PyString>,
                       value: &Bound<'_, PyAny>) -> PyResult<()> {
    if let Some(offset) = table_of(object).and_then(|table| offset(table, name)) {
        // SAFETY: the slot of a live instance of the registered class, GIL held: the same
        // steps as the member descriptor's setter.
        unsafe {
            let at = object.as_ptr().cast::<u8>().add(offset).cast::<*mut ffi::PyObject>();
            let old = at.read();
            ffi::Py_INCREF(value.as_ptr());
            at.write(value.as_ptr());
            ffi::Py_XDECREF(old);
        }
        return Ok(());
    }
    // SAFETY: the three pointers are live references held by the Bounds for the whole call,
    // and the GIL is held (a Bound exists only under it); the call borrows them.
    let status = unsafe {
        ffi::PyObject_GenericSetAttr(object.as_ptr(), name.as_ptr(), value.as_ptr())
    };
    if status == 0 { Ok(()) } else { Err(PyErr::fetch(object.py())) }
}
