import Foundation
import HTMLTemplates
import HTTPServer
import MandateCore

/// The fields of the group policy form, as shown and as sent back: filled from a policy, or from a
/// submitted form so that a refused form comes back as the person left it.
struct PolicyForm {
    static let nameField = "name"
    static let appliesToField = "appliesTo"
    static let includedField = "includedGroupIds"
    static let excludedField = "excludedGroupIds"
    static let daysField = "enrollmentDays"
    static let enabledField = "enabled"

    var name = ""
    /// `all` or `groups`; anything else is refused when sent.
    var appliesTo = "groups"
    var included: [String] = []
    var excluded: [String] = []
    var enrollmentDays = "7"
    var enabled = true

    init() {}

    init(policy: MFAPolicy) {
        name = policy.name
        appliesTo = policy.includesAllUsers ? "all" : "groups"
        included = policy.includedGroupIDs
        excluded = policy.excludedGroupIDs
        enrollmentDays = String(policy.enrollmentDays)
        enabled = policy.enabled
    }

    init(form: URLEncodedForm) {
        name = form[Self.nameField] ?? ""
        appliesTo = form[Self.appliesToField] ?? ""
        included = form.values(for: Self.includedField).filter { !$0.isEmpty }
        excluded = form.values(for: Self.excludedField).filter { !$0.isEmpty }
        enrollmentDays = (form[Self.daysField] ?? "").trimmingCharacters(in: .whitespaces)
        enabled = form[Self.enabledField] != nil
    }

    /// The service's draft, after the checks only the form needs (the service checks the rest:
    /// name length, the plan's enrollment period, groups of this organization, overlaps).
    func draft() throws(CoreError) -> MFAPolicyService.Draft {
        var draft = MFAPolicyService.Draft()
        draft.name = name
        switch appliesTo {
        case "all":
            draft.includesAllUsers = true
            draft.includedGroupIDs = []
        case "groups":
            guard !included.isEmpty else {
                throw CoreError.invalid(
                    Self.includedField, "Choose at least one group, or apply the policy to everyone.")
            }
            draft.includesAllUsers = false
            draft.includedGroupIDs = included
        default:
            throw CoreError.invalid(Self.appliesToField, "Choose whom the policy applies to.")
        }
        draft.excludedGroupIDs = excluded
        guard let days = Int(enrollmentDays), (0...365).contains(days) else {
            throw CoreError.invalid(
                Self.daysField, "Enter the enrollment period as a whole number of days from 0 to 365.")
        }
        draft.enrollmentDays = days
        draft.enabled = enabled
        return draft
    }

    /// The form's view model; `groups` are the organization's groups to choose from.
    func templateValue(groups: [Group]) -> TemplateValue {
        func choices(_ selected: [String], prefix: String) -> TemplateValue {
            .list(
                groups.map { group in
                    [
                        "id": .string(group.id), "name": .string(group.name), "inputID": .string(prefix + group.id),
                        "checked": .bool(selected.contains(group.id)), "members": .int(group.memberCount),
                    ]
                })
        }
        return [
            "name": .string(name),
            "appliesAll": .bool(appliesTo == "all"),
            "appliesGroups": .bool(appliesTo != "all"),
            "included": choices(included, prefix: "include-"),
            "excluded": choices(excluded, prefix: "exclude-"),
            "hasGroups": .bool(!groups.isEmpty),
            "enrollmentDays": .string(enrollmentDays),
            "enabled": .bool(enabled),
        ]
    }
}
