/** @odoo-module **/
import { registry } from "@web/core/registry";

// The desk's claim handling; tests/test_claim.py prepares the records, runs
// the tours and checks the end state.

const statusIs = (label) => ({
    content: `The claim is ${label}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
});

// A customer calls: the desk registers the claim and starts the review.
registry.category("web_tour.tours").add("after_sales_claim_intake", {
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=lot_id] input",
            run: "edit CLAIM-TOUR-1",
        },
        {
            trigger: ".ui-menu-item > a:contains('CLAIM-TOUR-1')",
            run: "click",
        },
        {
            content: "The serial filled the customer",
            trigger: ".o_field_widget[name=partner_id] input:value('Claim Tour Customer')",
        },
        {
            trigger: ".o_field_widget[name=demand] select",
            run: "selectByLabel Refund",
        },
        {
            trigger: ".o_field_widget[name=description] textarea",
            run: "edit Stopped working after a week; wants the money back",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "The deadline to answer is known",
            trigger: ".o_field_widget[name=date_deadline]:not(:empty)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_review]",
            run: "click",
        },
        statusIs("In Review"),
    ],
});

// The manager decided; the desk sends the answer with its letter.
registry.category("web_tour.tours").add("after_sales_claim_answer", {
    steps: () => [
        {
            trigger: ".o_statusbar_buttons button[name=action_send_answer]",
            run: "click",
        },
        {
            content: "The letter is attached",
            trigger: ".modal .o_field_widget[name=attachment_ids]:contains('Claim Answer')",
        },
        {
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        statusIs("Answered"),
    ],
});
