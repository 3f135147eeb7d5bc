#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bc::sandbox::storefront {

// Carts by user id (the frontend's session cookie), as cartservice keeps them in redis-cart. The
// frontend routes add, show and empty them; the checkout stand-in reads and empties the cart of
// the user_id its PlaceOrder request names. Thread safe.
class CartStore {
public:
    using Cart = std::vector<std::pair<std::string, int>>; // product id, quantity; in the order added

    void add(const std::string &user, const std::string &product, int quantity)
    {
        std::lock_guard lock(m_mutex);
        Cart &cart = m_carts[user];
        for (auto &[id, qty] : cart)
            if (id == product) {
                qty += quantity;
                return;
            }
        cart.emplace_back(product, quantity);
    }

    Cart get(const std::string &user) const
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_carts.find(user);
        return it == m_carts.end() ? Cart{} : it->second;
    }

    void empty(const std::string &user)
    {
        std::lock_guard lock(m_mutex);
        m_carts.erase(user);
    }

private:
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Cart> m_carts;
};

} // namespace bc::sandbox::storefront
