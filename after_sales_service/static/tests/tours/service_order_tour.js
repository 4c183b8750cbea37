/** @odoo-module **/
import { registry } from "@web/core/registry";

// Intake desk: open a service order by typing the serial, then confirm it.
registry.category("web_tour.tours").add("after_sales_service_order_intake", {
    steps: () => [
        {
            trigger: ".o_kanban_view",
        },
        {
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=lot_id] input",
            run: "edit TOUR-SN-1",
        },
        {
            trigger: ".ui-menu-item > a:contains('TOUR-SN-1')",
            run: "click",
        },
        {
            content: "The serial filled the customer",
            trigger: ".o_field_widget[name=partner_id] input:value('Tour Customer')",
        },
        {
            trigger: ".o_field_widget[name=symptom] textarea",
            run: "edit Makes a grinding noise",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
    ],
});
