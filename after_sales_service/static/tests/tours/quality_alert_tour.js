/** @odoo-module **/
import { registry } from "@web/core/registry";

// The manager's quality day: the alert the evaluation opened gets its
// proposal to production, is sent, and production's answer is recorded.
// tests/test_quality_alert.py prepares the alert and checks the end state.

const statusIs = (label) => ({
    content: `The alert is ${label}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
});

const clickButton = (name) => ({
    trigger: `.o_statusbar_buttons button[name=${name}]`,
    run: "click",
});

registry.category("web_tour.tours").add("after_sales_quality_alert_proposal", {
    steps: () => [
        {
            content: "The alert shows its failures against the installed base",
            trigger: ".o_field_widget[name=failure_rate]:contains('10.00')",
        },
        {
            trigger: ".o_field_widget[name=proposal] select",
            run: "selectByLabel Design Change",
        },
        {
            trigger: ".o_field_html[name=proposal_reason] .odoo-editor-editable p",
            run: "editor The pump membrane tears: change the membrane supplier.",
        },
        {
            trigger: ".o_field_widget[name=production_user_id] input",
            run: "edit Tour Production",
        },
        {
            trigger: ".ui-menu-item > a:contains('Tour Production')",
            run: "click",
        },
        clickButton("action_propose"),
        statusIs("Proposed"),
        {
            content: "The proposal went to production with its PDF",
            trigger: ".o-mail-Message:contains('Proposal to production: Design Change')",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Decision')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=decision_reason] textarea",
            run: "edit Accepted: a new membrane from the next batch on.",
        },
        clickButton("action_accept"),
        statusIs("Accepted"),
        clickButton("action_done"),
        statusIs("Done"),
    ],
});
