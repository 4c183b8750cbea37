/** @odoo-module **/
import { registry } from "@web/core/registry";

// Settings: the accounting block with its provision parameters and the
// default analytic distribution widget.
registry.category("web_tour.tours").add("after_sales_settings_accounting", {
    steps: () => [
        {
            trigger: "#after_sales_accounts",
        },
        {
            trigger: "#after_sales_provision .o_field_widget[name=after_sales_provision_percent] input",
            run: "edit 3",
        },
        {
            trigger: "#after_sales_analytic",
        },
        {
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            trigger: "#after_sales_provision .o_field_widget[name=after_sales_provision_percent] input:value('3.00')",
        },
    ],
});

// Period end: a new warranty provision, computed, then posted.
registry.category("web_tour.tours").add("after_sales_warranty_provision", {
    steps: () => [
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_compute]",
            run: "click",
        },
        {
            content: "The computation shows a line per category",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('Tour appliances')",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_post]",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
    ],
});

// A product category's service cost accounts and analytic distribution.
registry.category("web_tour.tours").add("after_sales_category_costs", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=after_sales_parts_expense_account_id] input",
            run: "edit Tour pump costs",
        },
        {
            trigger: ".ui-menu-item > a:contains('Tour pump costs')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});
