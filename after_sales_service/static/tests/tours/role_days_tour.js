/** @odoo-module **/
import { registry } from "@web/core/registry";

// Each role's day in the browser; tests/test_role_days.py prepares the
// records, runs the tour as the role's user and checks the end state.

const statusIs = (label) => ({
    content: `The order is ${label}`,
    trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
});

const clickButton = (name) => ({
    trigger: `.o_statusbar_buttons button[name=${name}]`,
    run: "click",
});

// Front desk: a unit under a warranty that promises a loaner comes in; the
// loaner goes out with the customer when the unit is received.
registry.category("web_tour.tours").add("after_sales_desk_intake", {
    steps: () => [
        {
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=lot_id] input",
            run: "edit DESK-SN-1",
        },
        {
            trigger: ".ui-menu-item > a:contains('DESK-SN-1')",
            run: "click",
        },
        {
            content: "The serial filled the customer",
            trigger: ".o_field_widget[name=partner_id] input:value('Desk Customer')",
        },
        {
            trigger: ".o_field_widget[name=symptom] textarea",
            run: "edit Leaks water",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Transport')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=loaner_lot_id] input",
            run: "edit DESK-LOANER-1",
        },
        {
            trigger: ".ui-menu-item > a:contains('DESK-LOANER-1')",
            run: "click",
        },
        clickButton("action_confirm"),
        statusIs("Confirmed"),
        clickButton("action_receive"),
        statusIs("Received"),
        {
            content: "The loaner went out with the customer",
            trigger: ".o_field_widget[name=loaner_state]:contains('With the customer')",
        },
    ],
});

// Front desk: the customer accepts the quotation of a paid repair by phone.
registry.category("web_tour.tours").add("after_sales_desk_quotation", {
    steps: () => [
        {
            content: "The repair is quoted",
            trigger: ".o_field_widget[name=sale_state]:contains('Quotation')",
        },
        clickButton("action_approve_quotation"),
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The quotation is a sales order",
            trigger: ".o_field_widget[name=sale_state]:contains('Sales Order')",
        },
    ],
});

// Technician: the repair with a part and labor, finished in one click.
registry.category("web_tour.tours").add("after_sales_technician_repair", {
    steps: () => [
        clickButton("action_start_repair"),
        statusIs("In Repair"),
        {
            trigger: ".o_statusbar_buttons button:contains('Add Spare Part')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=product_id] input",
            run: "edit Tour Pump",
        },
        {
            trigger: ".ui-menu-item > a:contains('Tour Pump')",
            run: "click",
        },
        {
            trigger: ".modal-footer button[name=action_add]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Labor')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=labor_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=labor_line_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Pump replaced",
        },
        {
            trigger: ".o_field_widget[name=labor_line_ids] .o_data_row .o_field_widget[name=hours] input",
            run: "edit 1:30",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Diagnosis')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=defect_code_id] input",
            run: "edit Leak",
        },
        {
            trigger: ".ui-menu-item > a:contains('Leak')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=defect_cause_id] input",
            run: "edit Manufacturing",
        },
        {
            trigger: ".ui-menu-item > a:contains('Manufacturing fault')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=failed_product_id] input",
            run: "edit Tour Pump",
        },
        {
            trigger: ".ui-menu-item > a:contains('Tour Pump')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=defect_note] textarea",
            run: "edit Pump seal torn",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        clickButton("action_done"),
        statusIs("Done"),
    ],
});

// After-Sales manager: goodwill for a unit just out of warranty, half borne
// by the company, then the intake is confirmed.
registry.category("web_tour.tours").add("after_sales_manager_goodwill", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=coverage] .o_radio_input[data-value=goodwill]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=goodwill_share] input",
            run: "edit 50",
        },
        clickButton("action_confirm"),
        statusIs("Confirmed"),
    ],
});

// Accountant: the done paid order is invoiced from the order, and posted.
registry.category("web_tour.tours").add("after_sales_accountant_invoice", {
    steps: () => [
        clickButton("action_create_invoice"),
        {
            content: "The invoice of the order opened",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row",
        },
        clickButton("action_post"),
        statusIs("Posted"),
    ],
});

// Accountant: the month's service costs, in the pivot.
registry.category("web_tour.tours").add("after_sales_accountant_costs", {
    steps: () => [
        {
            content: "The service costs pivot shows the posted costs",
            trigger: ".o_pivot table th:contains('Total')",
        },
        {
            trigger: ".o_pivot table .o_pivot_cell_value",
        },
    ],
});

// Warehouse: the courier brought a unit; the inventory user validates the
// service receipt in Inventory, without After-Sales rights.
registry.category("web_tour.tours").add("after_sales_stock_receipt", {
    steps: () => [
        clickButton("button_validate"),
        statusIs("Done"),
    ],
});
