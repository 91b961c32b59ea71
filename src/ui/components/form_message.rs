//! The outcome of a form, said once under it: what was done (a status) or why not (an
//! alert, read out at once by a screen reader).
//!
//! ```ignore
//! let message = RwSignal::new(None::<Result<String, String>>);
//! view! { <FormMessage message=message/> }
//! ```

use leptos::prelude::*;

#[component]
pub fn FormMessage(
    message: RwSignal<Option<Result<String, String>>>,
    #[prop(optional)] test_id: &'static str,
) -> impl IntoView {
    let test_id = (!test_id.is_empty()).then_some(test_id);
    move || {
        message.get().map(|m| match m {
            Ok(text) => view! {
                <p class="form-ok" role="status" data-testid=test_id>
                    {text}
                </p>
            }
            .into_any(),
            Err(text) => view! {
                <p class="form-error" role="alert" data-testid=test_id>
                    {text}
                </p>
            }
            .into_any(),
        })
    }
}

/// A refusal alone, said once under the form (for a form whose only outcome worth saying
/// is why not).
///
/// ```ignore
/// let error = RwSignal::new(None::<String>);
/// view! { <FormError error=error/> }
/// ```
#[component]
pub fn FormError(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|text| {
            view! {
                <p class="form-error" role="alert">
                    {text}
                </p>
            }
        })
    }
}
